// COIN-OR CBC (Debian coinor-libcbc-dev, pkg-config cbc): the C interface of the MILP solver used by
// the staffing planner to turn per-interval requirements into shifts. Only HallPlanner imports it.
#include <coin/Cbc_C_Interface.h>
