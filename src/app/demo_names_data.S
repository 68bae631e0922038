/* data/demo_names.csv as a NUL-terminated read-only byte array (demo_population.cc). */
  .section .rodata
  .global vaxreg_demo_names_csv
  .type vaxreg_demo_names_csv, @object
vaxreg_demo_names_csv:
  .incbin DEMO_NAMES_CSV
  .byte 0
  .size vaxreg_demo_names_csv, . - vaxreg_demo_names_csv
  .section .note.GNU-stack,"",@progbits
