/* Stub of Moddable xs/platforms/esp/xsHost.h: the message post used by the radio task (compile check only). */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "xs.h"
typedef void (*modMessageDeliver)(void *the, void *refcon, uint8_t *message, uint16_t messageLength);
int modMessagePostToMachine(xsMachine *the, uint8_t *message, uint16_t messageLength, modMessageDeliver callback, void *refcon);
