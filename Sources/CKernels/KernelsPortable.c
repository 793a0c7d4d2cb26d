// The kernels for the compiler's baseline target: any CPU, no instruction-set checks.
#define ISA_SUFFIX portable
#define ISA_LEVEL 1
#include "RowsProductBody.h"
#include "AttentionBody.h"
#include "RowsProductQ8Body.h"
