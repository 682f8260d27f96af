// Wrappers live in CCurl.h as static inline functions; this file gives the target a translation unit.
#include "CCurl.h"
