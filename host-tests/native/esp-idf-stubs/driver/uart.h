/* Stub of ESP-IDF driver/uart.h (compile check on the host): the names firmware/native/wmbus_uart_parity.c uses. */
#pragma once
#include "esp_err.h"
typedef int uart_port_t;
#define UART_NUM_MAX 3
typedef enum { UART_PARITY_DISABLE = 0x0, UART_PARITY_EVEN = 0x2, UART_PARITY_ODD = 0x3 } uart_parity_t;
esp_err_t uart_set_parity(uart_port_t uart_num, uart_parity_t parity_mode);
