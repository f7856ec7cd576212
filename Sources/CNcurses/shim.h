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
// --- explorer additions (appended; existing wrappers above are unchanged) ---

/// Reads terminfo for `term` without opening a screen: its RGB flag (1 when set) and its
/// colors number (-1 when absent). Returns 0 on success, -1 when the entry is unknown.
static inline int maex_probe_terminfo(const char *term, int *rgb, int *colors) {
    int err = 0;
    if (setupterm((char *)term, 1, &err) != OK) return -1;
    *rgb = tigetflag((char *)"RGB") > 0;
    *colors = tigetnum((char *)"colors");
    TERMINAL *t = cur_term;
    set_curterm(NULL);
    del_curterm(t);
    return 0;
}

/// Opens a screen on file descriptors (stdout, stdin) for terminfo entry `term` (NULL: $TERM).
static inline SCREEN *maex_newterm(const char *term, int outfd, int infd) {
    FILE *out = fdopen(outfd, "w");
    FILE *in = fdopen(infd, "r");
    if (!out || !in) return NULL;
    return newterm(term, out, in);
}

/// One wide character or key code: returns OK (a character), KEY_CODE_YES (a key code) or ERR.
static inline int maex_get_wch(WINDOW *w, unsigned int *out) {
    wint_t c = 0;
    int r = wget_wch(w, &c);
    *out = (unsigned int)c;
    return r;
}

/// Puts one glyph with attributes and an extended pair number at (y, x).
static inline int maex_put_cell(WINDOW *w, int y, int x, wchar_t ch, attr_t attrs, int pair) {
    cchar_t cell;
    wchar_t text[2] = {ch, 0};
    if (setcchar(&cell, text, attrs, (short)(pair < 32767 ? pair : 0), &pair) != OK) return ERR;
    return mvwadd_wch(w, y, x, &cell);
}

static inline int maex_key_code_yes(void) { return KEY_CODE_YES; }
static inline attr_t maex_a_underline(void) { return A_UNDERLINE; }

/// Columns a character takes in the current locale (-1: unknown to the C library).
static inline int maex_wcwidth(unsigned int c) { return wcwidth((wchar_t)c); }

#endif
