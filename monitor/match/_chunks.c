/* monitor.match._chunks: the matcher's per-chunk loop in C.
 *
 * Chunks(fn, pinned, digits, limit, seed) is a bounded memo of fn: chunk -> (str, str).
 * Chunks.scan(texts, sep) -> (chunks, firsts, seconds, first_ends, second_ends) splits
 * each text of the tuple `texts` on whitespace exactly as str.split() does
 * (Py_UNICODE_ISSPACE), with the chunk `sep` between two texts, and gives every chunk's
 * pair joined side by side: the firsts joined, the seconds joined, and where each
 * chunk's first and second end in them, as bytes of native int64
 * (memoryview(ends).cast("q")): cheap to make for every item, and only items with a hit
 * read them.
 *
 * The memo is its own hash table, keyed by the characters of a chunk where they lie in
 * the text: a chunk seen before costs one hash while the split reads it and one probe,
 * and no new string (the chunks list holds the memo's own key). Only a chunk not seen
 * is cut out and given to fn, and kept. When `limit` chunks are kept it starts again
 * from `pinned` (a dict of chunk -> pair that is always kept): simpler than LRU and as
 * good for text whose common chunks come back within minutes.
 *
 * `digits` (a pair, or None): a number (ASCII digits, maybe with ASCII punctuation
 * around them: "1988", "(1988)", "12,") that is not kept, and whose digits are not kept
 * either, gets it, without a call and without being kept: numbers are most of what is
 * new in an item, and a memo filled with them is slower for every other chunk.
 *
 * The hash is seeded per memo (by the caller) and a probe stops after MAX_PROBES
 * slots: chunks made to collide (a hostile feed) then only miss the memo, and each
 * costs one call of fn, never a longer search.
 *
 * Knows nothing of what the pairs mean (monitor.match.scan has the same type in Python,
 * and tests/match compare the two).
 *
 * Why C: an item is about 120 chunks; in Python, split, the dict look-ups (hashing a
 * new string each), separating the pairs, joining them and summing their lengths cost
 * about 160 ns a chunk.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

#define MAX_PROBES 64
#define MIN_SLOTS 1024

typedef struct {
    uint64_t hash;
    PyObject *key;    /* str; NULL: an empty slot */
    PyObject *first;  /* str */
    PyObject *second; /* str */
} Entry;

typedef struct {
    PyObject_HEAD
    PyObject *fn;
    PyObject *pinned; /* dict: chunk -> (str, str) */
    PyObject *digits; /* (str, str) or NULL */
    Entry *slots;
    size_t mask; /* number of slots - 1, a power of two */
    Py_ssize_t used;
    Py_ssize_t limit;
    uint64_t seed;
} Chunks;

/* A chunk: characters [start, end) of a str's data. */
typedef struct {
    int kind;
    const void *data;
    Py_ssize_t start, end;
} Span;

static inline uint64_t
step(uint64_t h, Py_UCS4 c)
{
    return (h ^ c) * 0x100000001b3ULL; /* FNV-1a, one step per character */
}

static inline uint64_t
finish(uint64_t h)
{
    /* murmur3's finaliser: every bit of h moves the low bits that pick the slot */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 33);
}

static uint64_t
hash_span(uint64_t seed, Span s)
{
    uint64_t h = seed;
    for (Py_ssize_t i = s.start; i < s.end; i++)
        h = step(h, PyUnicode_READ(s.kind, s.data, i));
    return finish(h);
}

static Span
span_of(PyObject *str)
{
    Span s = {PyUnicode_KIND(str), PyUnicode_DATA(str), 0, PyUnicode_GET_LENGTH(str)};
    return s;
}

static int
same(PyObject *key, Span s)
{
    Py_ssize_t n = s.end - s.start;
    if (PyUnicode_GET_LENGTH(key) != n)
        return 0;
    int kind = PyUnicode_KIND(key);
    const void *data = PyUnicode_DATA(key);
    if (kind == s.kind)
        return memcmp(data, (const char *)s.data + s.start * kind, (size_t)n * kind) == 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (PyUnicode_READ(kind, data, i) != PyUnicode_READ(s.kind, s.data, s.start + i))
            return 0;
    return 1;
}

/* The entry of a kept chunk, or NULL. */
static Entry *
find(Chunks *self, uint64_t hash, Span s)
{
    size_t i = (size_t)hash;
    for (int probe = 0; probe < MAX_PROBES; probe++, i++) {
        Entry *e = &self->slots[i & self->mask];
        if (e->key == NULL)
            return NULL;
        if (e->hash == hash && same(e->key, s))
            return e;
    }
    return NULL;
}

static void
drop_all(Chunks *self)
{
    for (size_t i = 0; i <= self->mask; i++) {
        Entry *e = &self->slots[i];
        if (e->key != NULL) {
            Py_DECREF(e->key);
            Py_DECREF(e->first);
            Py_DECREF(e->second);
            e->key = NULL;
        }
    }
    self->used = 0;
}

/* Keeps key -> (first, second) (new references taken); 0 when no slot was free within
 * MAX_PROBES, and the chunk is not kept, which only costs a later call. */
static int
put(Chunks *self, uint64_t hash, PyObject *key, PyObject *first, PyObject *second)
{
    size_t i = (size_t)hash;
    for (int probe = 0; probe < MAX_PROBES; probe++, i++) {
        Entry *e = &self->slots[i & self->mask];
        if (e->key == NULL) {
            Py_INCREF(key);
            Py_INCREF(first);
            Py_INCREF(second);
            e->hash = hash;
            e->key = key;
            e->first = first;
            e->second = second;
            self->used++;
            return 1;
        }
    }
    return 0;
}

static int
grow(Chunks *self)
{
    size_t old_mask = self->mask;
    Entry *old = self->slots;
    Entry *slots = PyMem_Calloc((old_mask + 1) * 2, sizeof(Entry));
    if (slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    self->slots = slots;
    self->mask = old_mask * 2 + 1;
    self->used = 0;
    for (size_t i = 0; i <= old_mask; i++) {
        Entry *e = &old[i];
        if (e->key != NULL) {
            put(self, e->hash, e->key, e->first, e->second);
            Py_DECREF(e->key);
            Py_DECREF(e->first);
            Py_DECREF(e->second);
        }
    }
    PyMem_Free(old);
    return 0;
}

/* Keeps key -> (first, second), growing the table first when it is half full. A run of
 * MAX_PROBES full slots is chance in a table a quarter full or more (it grows, and the
 * run splits), or chunks made to collide in one that is not (they are not kept, and
 * the table does not grow for them). */
static int
keep(Chunks *self, uint64_t hash, PyObject *key, PyObject *first, PyObject *second)
{
    if ((size_t)(self->used + 1) * 2 > self->mask + 1 && grow(self) < 0)
        return -1;
    if (!put(self, hash, key, first, second) && (size_t)(self->used + 1) * 4 > self->mask + 1) {
        if (grow(self) < 0)
            return -1;
        put(self, hash, key, first, second);
    }
    return 0;
}

static int
check_pair(PyObject *value)
{
    if (PyTuple_CheckExact(value) && PyTuple_GET_SIZE(value) == 2 &&
        PyUnicode_Check(PyTuple_GET_ITEM(value, 0)) && PyUnicode_Check(PyTuple_GET_ITEM(value, 1)))
        return 0;
    PyErr_SetString(PyExc_TypeError, "Chunks: forms must be pairs of str");
    return -1;
}

static int
keep_pinned(Chunks *self)
{
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(self->pinned, &pos, &key, &value)) {
        if (!PyUnicode_Check(key) || check_pair(value) < 0) {
            PyErr_SetString(PyExc_TypeError, "Chunks: pinned must map str to pairs of str");
            return -1;
        }
        if (keep(self, hash_span(self->seed, span_of(key)), key, PyTuple_GET_ITEM(value, 0),
                 PyTuple_GET_ITEM(value, 1)) < 0)
            return -1;
    }
    return 0;
}

/* fn(chunk), kept; a new reference to the pair. */
static PyObject *
compute(Chunks *self, uint64_t hash, PyObject *chunk)
{
    PyObject *value = PyObject_CallOneArg(self->fn, chunk);
    if (value == NULL)
        return NULL;
    if (check_pair(value) < 0) {
        Py_DECREF(value);
        return NULL;
    }
    if (self->used >= self->limit) {
        drop_all(self);
        if (keep_pinned(self) < 0) {
            Py_DECREF(value);
            return NULL;
        }
    }
    if (keep(self, hash, chunk, PyTuple_GET_ITEM(value, 0), PyTuple_GET_ITEM(value, 1)) < 0) {
        Py_DECREF(value);
        return NULL;
    }
    return value;
}

/* A number: ASCII digits with, at most, other ASCII non-alphanumerics before and after
 * them ("1988", "(1988)", "12,"); narrows *s to the digits. */
static int
number_core(Span *s)
{
    Py_ssize_t a = s->start, b = s->end;
    for (Py_ssize_t i = a; i < b; i++)
        if (PyUnicode_READ(s->kind, s->data, i) > 127)
            return 0;
    while (a < b && !Py_ISALNUM(PyUnicode_READ(s->kind, s->data, a)))
        a++;
    while (b > a && !Py_ISALNUM(PyUnicode_READ(s->kind, s->data, b - 1)))
        b--;
    if (a == b)
        return 0;
    for (Py_ssize_t i = a; i < b; i++)
        if (!Py_ISDIGIT(PyUnicode_READ(s->kind, s->data, i)))
            return 0;
    s->start = a;
    s->end = b;
    return 1;
}

/* What a scan gathers: the chunks, and each chunk's two forms (new references, first
 * and second side by side), with the length and widest kind of each side. */
typedef struct {
    PyObject *chunks;
    PyObject **forms;
    Py_ssize_t n, room;
    Py_ssize_t length[2];
    Py_UCS4 maxchar[2];
} Out;

static int
append(Out *out, PyObject *chunk, PyObject *first, PyObject *second)
{
    if (out->n == out->room) {
        Py_ssize_t room = out->room ? out->room * 2 : 256;
        PyObject **forms = PyMem_Realloc(out->forms, (size_t)room * 2 * sizeof(PyObject *));
        if (forms == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        out->forms = forms;
        out->room = room;
    }
    if (PyList_Append(out->chunks, chunk) < 0)
        return -1;
    PyObject *pair[2] = {first, second};
    for (int side = 0; side < 2; side++) {
        Py_INCREF(pair[side]); /* held: a full memo may drop its own reference mid-scan */
        out->forms[out->n * 2 + side] = pair[side];
        out->length[side] += PyUnicode_GET_LENGTH(pair[side]);
        Py_UCS4 widest = PyUnicode_MAX_CHAR_VALUE(pair[side]);
        if (widest > out->maxchar[side])
            out->maxchar[side] = widest;
    }
    out->n++;
    return 0;
}

static void
release(Out *out)
{
    for (Py_ssize_t i = 0; i < out->n * 2; i++)
        Py_DECREF(out->forms[i]);
    PyMem_Free(out->forms);
    Py_XDECREF(out->chunks);
}

/* One side's forms joined, and (in *ends, bytes of int64) where each chunk's form ends
 * in the joined text. */
static PyObject *
joined(Out *out, int side, PyObject **ends)
{
    PyObject *text = PyUnicode_New(out->length[side], out->maxchar[side]);
    *ends = PyBytes_FromStringAndSize(NULL, out->n * (Py_ssize_t)sizeof(int64_t));
    if (text == NULL || *ends == NULL) {
        Py_XDECREF(text);
        Py_CLEAR(*ends);
        return NULL;
    }
    int64_t *at = (int64_t *)PyBytes_AS_STRING(*ends);
    int kind = PyUnicode_KIND(text);
    void *data = PyUnicode_DATA(text);
    Py_ssize_t end = 0;
    for (Py_ssize_t k = 0; k < out->n; k++) {
        PyObject *form = out->forms[k * 2 + side];
        Py_ssize_t length = PyUnicode_GET_LENGTH(form);
        int from = PyUnicode_KIND(form);
        const void *chars = PyUnicode_DATA(form);
        /* the text is as wide as its widest form: copy, or widen character by character
         * (PyUnicode_CopyCharacters checks everything again on every call) */
        if (from == kind)
            memcpy((char *)data + end * kind, chars, (size_t)length * kind);
        else
            for (Py_ssize_t i = 0; i < length; i++)
                PyUnicode_WRITE(kind, data, end + i, PyUnicode_READ(from, chars, i));
        end += length;
        at[k] = end;
    }
    return text;
}

/* One chunk of `text` (characters s.start..s.end, hashed `hash`) -> out. */
static int
add(Chunks *self, PyObject *text, Span s, uint64_t hash, Out *out)
{
    Entry *e = find(self, hash, s);
    if (e != NULL)
        return append(out, e->key, e->first, e->second);
    PyObject *chunk = PyUnicode_Substring(text, s.start, s.end);
    if (chunk == NULL)
        return -1;
    int rc;
    Span core = s;
    if (self->digits != NULL && number_core(&core) &&
        ((core.start == s.start && core.end == s.end) ||
         find(self, hash_span(self->seed, core), core) == NULL)) {
        rc = append(out, chunk, PyTuple_GET_ITEM(self->digits, 0),
                    PyTuple_GET_ITEM(self->digits, 1));
    } else {
        PyObject *value = compute(self, hash, chunk);
        if (value == NULL) {
            Py_DECREF(chunk);
            return -1;
        }
        rc = append(out, chunk, PyTuple_GET_ITEM(value, 0), PyTuple_GET_ITEM(value, 1));
        Py_DECREF(value);
    }
    Py_DECREF(chunk);
    return rc;
}

static int
split_text(Chunks *self, PyObject *text, Out *out)
{
    Span s = {PyUnicode_KIND(text), PyUnicode_DATA(text), 0, 0};
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0;
    while (i < n) {
        while (i < n && Py_UNICODE_ISSPACE(PyUnicode_READ(s.kind, s.data, i)))
            i++;
        if (i >= n)
            break;
        s.start = i;
        uint64_t h = self->seed;
        Py_UCS4 c;
        while (i < n && !Py_UNICODE_ISSPACE(c = PyUnicode_READ(s.kind, s.data, i))) {
            h = step(h, c);
            i++;
        }
        s.end = i;
        if (add(self, text, s, finish(h), out) < 0)
            return -1;
    }
    return 0;
}

static PyObject *
Chunks_scan(Chunks *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyTuple_Check(args[0]) || !PyUnicode_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "scan(texts: tuple[str, ...], sep: str)");
        return NULL;
    }
    if (self->slots == NULL) {
        PyErr_SetString(PyExc_TypeError, "Chunks.__init__ was not called");
        return NULL;
    }
    PyObject *texts = args[0], *sep = args[1];
    Out out = {PyList_New(0), NULL, 0, 0, {0, 0}, {0, 0}};
    if (out.chunks == NULL)
        goto fail;
    for (Py_ssize_t t = 0; t < PyTuple_GET_SIZE(texts); t++) {
        PyObject *text = PyTuple_GET_ITEM(texts, t);
        if (!PyUnicode_Check(text)) {
            PyErr_SetString(PyExc_TypeError, "texts must be str");
            goto fail;
        }
        if (t > 0) {
            Span s = span_of(sep);
            if (add(self, sep, s, hash_span(self->seed, s), &out) < 0)
                goto fail;
        }
        if (split_text(self, text, &out) < 0)
            goto fail;
    }
    PyObject *ends[2] = {NULL, NULL};
    PyObject *first = joined(&out, 0, &ends[0]);
    PyObject *second = first == NULL ? NULL : joined(&out, 1, &ends[1]);
    if (second == NULL) {
        Py_XDECREF(first);
        Py_XDECREF(ends[0]);
        goto fail;
    }
    PyObject *chunks = out.chunks;
    out.chunks = NULL;
    release(&out);
    return Py_BuildValue("(NNNNN)", chunks, first, second, ends[0], ends[1]);
fail:
    release(&out);
    return NULL;
}

static int
Chunks_init(Chunks *self, PyObject *args, PyObject *kwargs)
{
    static char *names[] = {"fn", "pinned", "digits", "limit", "seed", NULL};
    PyObject *fn, *pinned, *digits;
    Py_ssize_t limit;
    unsigned long long seed;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO!OnK:Chunks", names, &fn, &PyDict_Type,
                                     &pinned, &digits, &limit, &seed))
        return -1;
    if (!PyCallable_Check(fn) || limit < 1) {
        PyErr_SetString(PyExc_TypeError, "Chunks(fn: callable, ..., limit: int >= 1, ...)");
        return -1;
    }
    if (digits != Py_None && check_pair(digits) < 0)
        return -1;
    if (self->slots != NULL) { /* __init__ called again */
        drop_all(self);
        PyMem_Free(self->slots);
        self->slots = NULL;
    }
    Py_INCREF(fn);
    Py_XSETREF(self->fn, fn);
    Py_INCREF(pinned);
    Py_XSETREF(self->pinned, pinned);
    Py_XINCREF(digits == Py_None ? NULL : digits);
    Py_XSETREF(self->digits, digits == Py_None ? NULL : digits);
    self->limit = limit;
    self->seed = seed;
    self->slots = PyMem_Calloc(MIN_SLOTS, sizeof(Entry));
    if (self->slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    self->mask = MIN_SLOTS - 1;
    self->used = 0;
    return keep_pinned(self);
}

static int
Chunks_traverse(Chunks *self, visitproc visit, void *arg)
{
    /* the entries hold only str, which cannot be part of a cycle */
    Py_VISIT(self->fn);
    Py_VISIT(self->pinned);
    Py_VISIT(self->digits);
    return 0;
}

static int
Chunks_clear(Chunks *self)
{
    Py_CLEAR(self->fn);
    Py_CLEAR(self->pinned);
    Py_CLEAR(self->digits);
    return 0;
}

static void
Chunks_dealloc(Chunks *self)
{
    PyObject_GC_UnTrack(self);
    Chunks_clear(self);
    if (self->slots != NULL) {
        drop_all(self);
        PyMem_Free(self->slots);
    }
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static Py_ssize_t
Chunks_len(Chunks *self)
{
    return self->used;
}

static PySequenceMethods Chunks_as_sequence = {
    .sq_length = (lenfunc)Chunks_len,
};

static PyMethodDef Chunks_methods[] = {
    {"scan", (PyCFunction)(void (*)(void))Chunks_scan, METH_FASTCALL,
     "scan(texts, sep) -> (chunks, firsts, seconds, first_ends, second_ends): see "
     "monitor.match.scan"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ChunksType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "monitor.match._chunks.Chunks",
    .tp_doc = "Chunks(fn, pinned, digits, limit, seed): a memo of chunk -> pair; see "
              "monitor.match.scan",
    .tp_basicsize = sizeof(Chunks),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Chunks_init,
    .tp_dealloc = (destructor)Chunks_dealloc,
    .tp_traverse = (traverseproc)Chunks_traverse,
    .tp_clear = (inquiry)Chunks_clear,
    .tp_methods = Chunks_methods,
    .tp_as_sequence = &Chunks_as_sequence,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "monitor.match._chunks", NULL, -1, NULL, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__chunks(void)
{
    if (PyType_Ready(&ChunksType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    if (PyModule_AddIntConstant(m, "MAX_PROBES", MAX_PROBES) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(&ChunksType);
    if (PyModule_AddObject(m, "Chunks", (PyObject *)&ChunksType) < 0) {
        Py_DECREF(&ChunksType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
