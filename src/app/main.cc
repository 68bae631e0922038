#include "app/cli.h"

int main(int argc, char** argv) { return vaxreg::app::RunCli(argc, argv); }
