/*
 * support.h: helpers shared by the unit test programs.
 */
#ifndef FX_TESTS_SUPPORT_H
#define FX_TESTS_SUPPORT_H

/* Remove a file, or a folder and everything in it (a test's temp dir). */
void remove_tree(const char *path);

#endif
