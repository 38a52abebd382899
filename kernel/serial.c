/*
 * serial.c - COM1 output and a minimal kprintf (see serial.h).
 */
#include "serial.h"

#include <stdbool.h>
#include <stdint.h>

#include "arch.h"

#define COM1            0x3F8u
#define UART_DATA       0u  /* DLAB=0: data; DLAB=1: divisor low  */
#define UART_IER        1u  /* DLAB=0: interrupts; DLAB=1: div high */
#define UART_FCR        2u
#define UART_LCR        3u
#define UART_MCR        4u
#define UART_LSR        5u
#define LCR_DLAB        0x80u
#define LCR_8N1         0x03u
#define FCR_ENABLE_CLEAR 0xC7u /* enable, clear both, 14-byte threshold */
#define MCR_DTR_RTS_OUT2 0x0Bu
#define LSR_THR_EMPTY   0x20u
#define BAUD_DIVISOR_115200 1u

void serial_init(void)
{
    outb(COM1 + UART_IER, 0);
    outb(COM1 + UART_LCR, LCR_DLAB);
    outb(COM1 + UART_DATA, BAUD_DIVISOR_115200);
    outb(COM1 + UART_IER, 0);
    outb(COM1 + UART_LCR, LCR_8N1);
    outb(COM1 + UART_FCR, FCR_ENABLE_CLEAR);
    outb(COM1 + UART_MCR, MCR_DTR_RTS_OUT2);
}

/* Writes one byte once the transmitter can take it. */
static void serial_raw(char c)
{
    while ((inb(COM1 + UART_LSR) & LSR_THR_EMPTY) == 0)
        ;
    outb(COM1 + UART_DATA, (uint8_t)c);
}

void serial_putc(char c)
{
    if (c == '\n')
        serial_raw('\r');
    serial_raw(c);
}

/* Prints value in base (10 or 16), at least width digits padded with pad. */
static void put_unsigned(uint64_t value, unsigned base, int width, char pad)
{
    char digits[24];
    int n = 0;
    do {
        unsigned d = (unsigned)(value % base);
        digits[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        value /= base;
    } while (value != 0);
    for (; width > n; width--)
        serial_putc(pad);
    while (n > 0)
        serial_putc(digits[--n]);
}

/* Prints a signed decimal value. */
static void put_signed(int64_t value, int width, char pad)
{
    if (value < 0) {
        serial_putc('-');
        put_unsigned((uint64_t)0 - (uint64_t)value, 10, width > 0 ? width - 1 : 0, pad);
    } else {
        put_unsigned((uint64_t)value, 10, width, pad);
    }
}

/* Prints a string, "(null)" for NULL. */
static void put_string(const char *s)
{
    if (s == 0)
        s = "(null)";
    while (*s != '\0')
        serial_putc(*s++);
}

void kvprintf(const char *fmt, va_list ap)
{
    for (; *fmt != '\0'; fmt++) {
        if (*fmt != '%') {
            serial_putc(*fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        int width = 0, longs = 0;
        if (*fmt == '0') {
            pad = '0';
            fmt++;
        }
        for (; *fmt >= '0' && *fmt <= '9'; fmt++)
            width = width * 10 + (*fmt - '0');
        for (; *fmt == 'l'; fmt++)
            longs++;
        switch (*fmt) {
        case 'd':
            put_signed(longs ? va_arg(ap, long) : va_arg(ap, int), width, pad);
            break;
        case 'u':
            put_unsigned(longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 10, width, pad);
            break;
        case 'x':
            put_unsigned(longs ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 16, width, pad);
            break;
        case 'p':
            put_string("0x");
            put_unsigned((uint64_t)(uintptr_t)va_arg(ap, void *), 16, 16, '0');
            break;
        case 's':
            put_string(va_arg(ap, const char *));
            break;
        case 'c':
            serial_putc((char)va_arg(ap, int));
            break;
        case '%':
            serial_putc('%');
            break;
        case '\0':
            return;
        default:
            serial_putc('%');
            serial_putc(*fmt);
            break;
        }
    }
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}
