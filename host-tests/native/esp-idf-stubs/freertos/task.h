/* Stub of FreeRTOS task.h as in ESP-IDF (compile check on the host). */
#pragma once
#include "freertos/FreeRTOS.h"
typedef struct tskTaskControlBlock *TaskHandle_t;
typedef void (*TaskFunction_t)(void *);
BaseType_t xTaskCreatePinnedToCore(TaskFunction_t pvTaskCode, const char *pcName, uint32_t usStackDepth, void *pvParameters,
				   UBaseType_t uxPriority, TaskHandle_t *pvCreatedTask, BaseType_t xCoreID);
void vTaskDelete(TaskHandle_t xTaskToDelete);
void vTaskDelay(TickType_t xTicksToDelay);
uint32_t ulTaskNotifyTake(BaseType_t xClearCountOnExit, TickType_t xTicksToWait);
void vTaskNotifyGiveFromISR(TaskHandle_t xTaskToNotify, BaseType_t *pxHigherPriorityTaskWoken);
BaseType_t xTaskNotifyGive(TaskHandle_t xTaskToNotify);
