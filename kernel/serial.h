/*
 * serial.h - the COM1 console (16550 UART at 0x3F8) and kprintf.
 */
#ifndef KERNEL_SERIAL_H
#define KERNEL_SERIAL_H

#include <stdarg.h>

/* Programs COM1 for 115200 8N1, FIFOs on. */
void serial_init(void);

/* Writes one character (LF becomes CR LF). */
void serial_putc(char c);

/* A small printf: %s %c %d %u %x %p %%, the l / ll length modifiers, and a
 * zero-padded field width ("%016lx"). */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);

#endif
