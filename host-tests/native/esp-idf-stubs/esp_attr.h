/* Stub of ESP-IDF esp_attr.h (compile check on the host). */
#pragma once
#define IRAM_ATTR
