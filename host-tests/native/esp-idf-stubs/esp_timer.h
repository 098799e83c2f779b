/* Stub of ESP-IDF esp_timer.h (compile check on the host). */
#pragma once
#include <stdint.h>
int64_t esp_timer_get_time(void);
