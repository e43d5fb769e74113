#ifndef HALLSIM_CGSL_SHIM_H
#define HALLSIM_CGSL_SHIM_H
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_statistics_double.h>
#include <gsl/gsl_sort_double.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_psi.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_min.h>

/* Swift 6 rejects GSL's global mutable `const gsl_rng_type *` variables; reach them through functions. */
static inline const gsl_rng_type *hallsim_rng_ranlxd2(void) { return gsl_rng_ranlxd2; }
static inline const gsl_rng_type *hallsim_rng_taus2(void) { return gsl_rng_taus2; }
static inline const gsl_root_fsolver_type *hallsim_root_brent(void) { return gsl_root_fsolver_brent; }
static inline const gsl_min_fminimizer_type *hallsim_min_brent(void) { return gsl_min_fminimizer_brent; }

/* GSL's default error handler aborts the process; callers check return values instead. */
static inline void hallsim_gsl_quiet_errors(void) { gsl_set_error_handler_off(); }
#endif
