/* Stub of ESP-IDF esp_err.h (compile check on the host). */
#pragma once
typedef int esp_err_t;
#define ESP_OK 0
