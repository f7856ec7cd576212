// ncursesw for Swift. SwiftPM drops pkg-config's -D flags, so the wide-character API is
// switched on here, before curses.h. Macros that are not plain integers, and the globals
// that Swift 6 rejects as shared mutable state, are wrapped in static inline functions.
#ifndef MAEX_NCURSES_SHIM_H
#define MAEX_NCURSES_SHIM_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <locale.h>
#include <langinfo.h>
#include <stdio.h>
#include <wchar.h>
#include <curses.h>
#include <term.h>

static inline WINDOW *maex_stdscr(void) { return stdscr; }
static inline int maex_lines(void) { return LINES; }
static inline int maex_cols(void) { return COLS; }
static inline int maex_colors(void) { return COLORS; }
static inline int maex_color_pairs(void) { return COLOR_PAIRS; }
static inline int maex_key_resize(void) { return KEY_RESIZE; }
static inline int maex_key_max(void) { return KEY_MAX; }
static inline int maex_key_f(int n) { return KEY_F(n); }
static inline attr_t maex_a_bold(void) { return A_BOLD; }
static inline attr_t maex_a_dim(void) { return A_DIM; }
static inline attr_t maex_a_reverse(void) { return A_REVERSE; }
static inline attr_t maex_a_normal(void) { return A_NORMAL; }
static inline void maex_getmaxyx(WINDOW *w, int *y, int *x) { getmaxyx(w, *y, *x); }

/// The terminal's boolean capability `name` (for example "RGB"): 1 true, 0 false, -1 absent.
static inline int maex_tigetflag(const char *name) { return tigetflag((char *)name); }

/// Sets a wide cell: one character, attributes and an extended pair number (any pair, not
/// only those that fit COLOR_PAIR's 8 bits).
static inline int maex_setcchar(cchar_t *cell, wchar_t ch, attr_t attrs, int pair) {
    wchar_t text[2] = {ch, 0};
    return setcchar(cell, text, attrs, (short)(pair < 32767 ? pair : 0), &pair);
}

/// Whether the locale's character set is UTF-8, after setlocale(LC_ALL, "").
static inline int maex_locale_is_utf8(void) {
    const char *cs = nl_langinfo(CODESET);
    return cs && (cs[0] == 'U' || cs[0] == 'u') && (cs[1] == 'T' || cs[1] == 't') && (cs[2] == 'F' || cs[2] == 'f');
}
#endif
