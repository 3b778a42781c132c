/* monitor.match._chunks: the matcher's per-chunk loop in C.
 *
 * scan(memo, texts, sep, digits=None) -> (chunks, firsts, seconds)
 *
 * Splits each text of the tuple `texts` on whitespace exactly as str.split() does
 * (Py_UNICODE_ISSPACE), with the chunk `sep` between two texts, and looks each chunk
 * up as memo[chunk]: PyObject_GetItem, so a dict subclass's __missing__ computes and
 * stores what is not there yet. Each value must be a 2-tuple; its parts go to `firsts`
 * and `seconds`. When `digits` is a value, a number (ASCII digits, maybe with ASCII
 * punctuation around them) that the memo (a dict) lacks, and whose digits it lacks
 * too, gets it, without a call and without being stored: numbers are most of what is
 * new in an item, and a memo filled with them is slower for every other chunk.
 * Knows nothing of what the values mean (monitor.match.scan has the same function in
 * Python, and tests/match compare the two).
 *
 * Why C: an item is about 120 chunks, and split, the look-ups and separating the pairs
 * cost about 130 ns a chunk in Python; here one pass does all three.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* A number: ASCII digits with, at most, other ASCII non-alphanumerics before and after
 * them ("1988", "(1988)", "12,"); sets [*start, *end) to the digits. */
static int
number_core(PyObject *chunk, Py_ssize_t *start, Py_ssize_t *end)
{
    if (!PyUnicode_IS_ASCII(chunk))
        return 0;
    const Py_UCS1 *c = PyUnicode_1BYTE_DATA(chunk);
    Py_ssize_t a = 0, b = PyUnicode_GET_LENGTH(chunk);
    while (a < b && !Py_ISALNUM(c[a]))
        a++;
    while (b > a && !Py_ISALNUM(c[b - 1]))
        b--;
    if (a == b)
        return 0;
    for (Py_ssize_t i = a; i < b; i++)
        if (!Py_ISDIGIT(c[i]))
            return 0;
    *start = a;
    *end = b;
    return 1;
}

/* memo[chunk], or for a number whose chunk and digits the memo both lack, `digits`. */
static PyObject *
look_up(PyObject *memo, PyObject *chunk, PyObject *digits)
{
    Py_ssize_t a, b;
    if (digits == NULL || !number_core(chunk, &a, &b))
        return PyObject_GetItem(memo, chunk);
    PyObject *value = PyDict_GetItemWithError(memo, chunk); /* borrowed; no __missing__ */
    if (value != NULL) {
        Py_INCREF(value);
        return value;
    }
    if (PyErr_Occurred())
        return NULL;
    int kept = 0; /* "(1988)" where the memo has 1988: computed like any chunk */
    if (a > 0 || b < PyUnicode_GET_LENGTH(chunk)) {
        PyObject *core = PyUnicode_Substring(chunk, a, b);
        if (core == NULL)
            return NULL;
        kept = PyDict_Contains(memo, core);
        Py_DECREF(core);
        if (kept < 0)
            return NULL;
    }
    if (kept)
        return PyObject_GetItem(memo, chunk);
    Py_INCREF(digits);
    return digits;
}

static int
add_chunk(PyObject *memo, PyObject *chunk, PyObject *digits, PyObject *chunks,
          PyObject *firsts, PyObject *seconds)
{
    PyObject *value = look_up(memo, chunk, digits);
    if (value == NULL)
        return -1;
    if (!PyTuple_CheckExact(value) || PyTuple_GET_SIZE(value) != 2) {
        Py_DECREF(value);
        PyErr_SetString(PyExc_TypeError, "memo values must be 2-tuples");
        return -1;
    }
    int rc = PyList_Append(chunks, chunk);
    if (rc == 0)
        rc = PyList_Append(firsts, PyTuple_GET_ITEM(value, 0));
    if (rc == 0)
        rc = PyList_Append(seconds, PyTuple_GET_ITEM(value, 1));
    Py_DECREF(value);
    return rc;
}

static int
split_text(PyObject *memo, PyObject *text, PyObject *digits, PyObject *chunks,
           PyObject *firsts, PyObject *seconds)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t i = 0;
    while (i < n) {
        while (i < n && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)))
            i++;
        if (i >= n)
            break;
        Py_ssize_t start = i;
        while (i < n && !Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)))
            i++;
        PyObject *chunk = PyUnicode_Substring(text, start, i);
        if (chunk == NULL)
            return -1;
        int rc = add_chunk(memo, chunk, digits, chunks, firsts, seconds);
        Py_DECREF(chunk);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static PyObject *
scan(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 3 || nargs > 4) {
        PyErr_SetString(PyExc_TypeError, "scan(memo, texts, sep, digits=None): 3 or 4 arguments");
        return NULL;
    }
    PyObject *memo = args[0], *texts = args[1], *sep = args[2];
    PyObject *digits = nargs == 4 && args[3] != Py_None ? args[3] : NULL;
    if (!PyTuple_Check(texts) || !PyUnicode_Check(sep)) {
        PyErr_SetString(PyExc_TypeError, "scan(memo, texts: tuple[str, ...], sep: str)");
        return NULL;
    }
    if (digits != NULL && !PyDict_Check(memo)) {
        PyErr_SetString(PyExc_TypeError, "scan: a digits value needs a dict memo");
        return NULL;
    }
    PyObject *chunks = PyList_New(0), *firsts = PyList_New(0), *seconds = PyList_New(0);
    if (chunks == NULL || firsts == NULL || seconds == NULL)
        goto fail;
    for (Py_ssize_t t = 0; t < PyTuple_GET_SIZE(texts); t++) {
        PyObject *text = PyTuple_GET_ITEM(texts, t);
        if (!PyUnicode_Check(text)) {
            PyErr_SetString(PyExc_TypeError, "texts must be str");
            goto fail;
        }
        if (t > 0 && add_chunk(memo, sep, digits, chunks, firsts, seconds) < 0)
            goto fail;
        if (split_text(memo, text, digits, chunks, firsts, seconds) < 0)
            goto fail;
    }
    return Py_BuildValue("(NNN)", chunks, firsts, seconds);
fail:
    Py_XDECREF(chunks);
    Py_XDECREF(firsts);
    Py_XDECREF(seconds);
    return NULL;
}

static PyMethodDef methods[] = {
    {"scan", (PyCFunction)(void (*)(void))scan, METH_FASTCALL,
     "scan(memo, texts, sep, digits=None) -> (chunks, firsts, seconds): see monitor.match.scan"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "monitor.match._chunks", NULL, -1, methods,
};

PyMODINIT_FUNC
PyInit__chunks(void)
{
    return PyModule_Create(&module);
}
