"""Byte transports for scales and scanners: serial lines, TCP (through pyserial) and HID."""
