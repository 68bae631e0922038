/* The administrative-units CSV as a NUL-terminated read-only byte array. */
  .section .rodata
  .global vaxreg_admin_units_csv
  .type vaxreg_admin_units_csv, @object
vaxreg_admin_units_csv:
  .incbin ADMIN_UNITS_CSV
  .byte 0
  .size vaxreg_admin_units_csv, . - vaxreg_admin_units_csv
  .section .note.GNU-stack,"",@progbits
