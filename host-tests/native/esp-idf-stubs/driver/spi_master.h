/* Stub of ESP-IDF driver/spi_master.h: only what wmbus_radio_task_esp32.c uses (compile check on the host). */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "driver/gpio.h"
#include "freertos/FreeRTOS.h"
typedef enum { SPI1_HOST = 0, SPI2_HOST = 1, SPI3_HOST = 2 } spi_host_device_t;
typedef struct spi_device_t *spi_device_handle_t;
typedef struct {
	uint32_t flags;
	uint16_t cmd;
	uint64_t addr;
	size_t length;
	size_t rxlength;
	void *user;
	union { const void *tx_buffer; uint8_t tx_data[4]; };
	union { void *rx_buffer; uint8_t rx_data[4]; };
} spi_transaction_t;
typedef struct {
	uint8_t command_bits, address_bits, dummy_bits, mode;
	uint16_t duty_cycle_pos, cs_ena_pretrans;
	uint8_t cs_ena_posttrans;
	int clock_speed_hz;
	int input_delay_ns;
	int spics_io_num;
	uint32_t flags;
	int queue_size;
} spi_device_interface_config_t;
esp_err_t spi_bus_add_device(spi_host_device_t host_id, const spi_device_interface_config_t *dev_config, spi_device_handle_t *handle);
esp_err_t spi_bus_remove_device(spi_device_handle_t handle);
esp_err_t spi_device_polling_transmit(spi_device_handle_t handle, spi_transaction_t *trans_desc);
esp_err_t spi_device_acquire_bus(spi_device_handle_t device, TickType_t wait);
void spi_device_release_bus(spi_device_handle_t dev);
