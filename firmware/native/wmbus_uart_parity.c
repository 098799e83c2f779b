/*
 * Wired M-Bus needs 8E1 (EN 13757-2: 11-bit characters with even parity). The SDK's ECMA-419 Serial for
 * ESP32 (modules/io/serial/esp32/serial.c) always configures UART_PARITY_DISABLE, so after constructing it
 * firmware/device/serial-moddable.ts calls this to switch the same UART to even parity. uart_set_parity() may
 * be called on a configured, running UART (ESP-IDF driver/uart.h). Device only (esp32 "platforms" entry).
 */
#include <stddef.h> /* xs.h uses size_t without including it */

#include "xsmc.h"
#include "driver/uart.h"

/* evenParity(port) -> undefined; RangeError for a port the chip does not have, Error when the driver refuses. */
void xs_wmbus_uart_even_parity(xsMachine *the)
{
	xsIntegerValue port = xsmcToInteger(xsArg(0));
	if (port < 0 || port >= UART_NUM_MAX)
		xsRangeError("invalid UART port");
	if (uart_set_parity((uart_port_t)port, UART_PARITY_EVEN) != ESP_OK)
		xsUnknownError("uart_set_parity failed");
}
