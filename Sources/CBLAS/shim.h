// OpenBLAS through its CBLAS interface. Debian's libopenblas-dev installs cblas.h as an
// alternative; the thread controls are OpenBLAS's own and are declared here so that the
// module does not depend on which cblas.h the alternative points at.
#ifndef MAEX_CBLAS_SHIM_H
#define MAEX_CBLAS_SHIM_H
#include <cblas.h>
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
#endif
