#pragma once

/// The number of malloc, calloc, realloc and aligned allocations since the process started (Linux only; 0 elsewhere).
unsigned long long malloc_counter_read(void);
