//! `binmap._native`: the extension module under the `binmap` Python package.
//!
//! A thin layer over the `binmap` crate: a file is a [`Source`] (the memory
//! map, in numpy's modes) and a [`Map`] resolved once; every query is the
//! library's own (select, stats, `--where`, Arrow export, pack, set). The
//! Python side (`binmap/__init__.py`) turns [`binmap::pyapi::numpy_view`]
//! descriptions into numpy arrays over [`Buffer`], whose
//! `__array_interface__` keeps the map alive for as long as any array
//! over it exists, whatever happens to the file object.
//!
//! The GIL is released for every scan (resolving a map, JSON, stats,
//! `--where`, Arrow batches, pack), so other Python threads run meanwhile.

use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};

use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{RecordBatch, RecordBatchIterator, RecordBatchReader};
use arrow_schema::{ArrowError, SchemaRef};
use binmap::layout::{Item, Type};
use binmap::select::{Rows, parse_path, select};
use binmap::{Error, ErrorKind, Layout, Map, Mode, Source};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// A library error as the matching Python exception of `binmap._errors`
/// (`LayoutError`, `DataError`, ...), with the CLI's message.
fn py_err(e: Error) -> PyErr {
    Python::attach(|py| {
        let class = match e.kind {
            ErrorKind::Layout => "LayoutError",
            ErrorKind::Data => "DataError",
            ErrorKind::Input => "InputError",
            ErrorKind::Usage => "UsageError",
            ErrorKind::Io => "FileError",
            #[allow(unreachable_patterns)]
            _ => "Error",
        };
        let focus = e.context.as_ref().map(|c| c.focus);
        let made = py
            .import("binmap._errors")
            .and_then(|m| m.getattr(class))
            .and_then(|cls| cls.call1((e.to_string(), e.message.clone(), e.notes.clone(), focus)));
        match made {
            Ok(obj) => PyErr::from_value(obj),
            Err(err) => err,
        }
    })
}

trait OrPy<T> {
    fn py(self) -> PyResult<T>;
}

impl<T> OrPy<T> for binmap::Result<T> {
    fn py(self) -> PyResult<T> {
        self.map_err(py_err)
    }
}

/// The bytes of one file, shared by its [`File`] and every array over them.
struct Bytes {
    src: Source,
    /// Where the bytes start, and how many: a map (or a heap buffer) never
    /// moves while `src` lives, so the address stays valid as long as this.
    addr: usize,
    len: usize,
    writable: bool,
}

impl Bytes {
    fn new(mut src: Source, writable: bool) -> Bytes {
        let (addr, len) = if writable {
            match src.bytes_mut() {
                Some(b) => (b.as_mut_ptr() as usize, b.len()),
                None => (src.bytes().as_ptr() as usize, src.bytes().len()),
            }
        } else {
            (src.bytes().as_ptr() as usize, src.bytes().len())
        };
        let writable = writable && src.bytes_mut().is_some();
        Bytes { src, addr, len, writable }
    }

    /// The bytes, for the life of `self`.
    fn slice(&self) -> &[u8] {
        if self.len == 0 {
            return &[];
        }
        // SAFETY: `addr..addr + len` is the map (or buffer) owned by
        // `self.src`, which neither moves nor shrinks while `self` lives.
        // numpy arrays over it may write (modes r+, c, w+) while this slice
        // is read: the same sharing as a map written by another process
        // (binmap's readers take each byte once, by value).
        unsafe { std::slice::from_raw_parts(self.addr as *const u8, self.len) }
    }
}

/// A layout resolved against the bytes it borrows.
struct Mapped {
    // Declared (and so dropped) before `bytes`, whose bytes it borrows.
    map: Map<'static>,
    bytes: Arc<Bytes>,
}

impl Mapped {
    fn new(layout: &Layout, bytes: Arc<Bytes>) -> binmap::Result<Mapped> {
        // SAFETY: the slice lives as long as `bytes`, which this struct holds
        // and drops after `map`; `map` is never handed out beyond `&self`.
        let data: &'static [u8] = unsafe { std::mem::transmute::<&[u8], &'static [u8]>(bytes.slice()) };
        let map = Map::new(layout, data, bytes.src.name())?;
        Ok(Mapped { map, bytes })
    }
}

/// The memory of a file: what numpy arrays are made over. Python gives it
/// an `__array_interface__`; numpy keeps it (and so the map) alive as the
/// arrays' base.
#[pyclass(frozen, module = "binmap._native")]
struct Buffer {
    bytes: Arc<Bytes>,
}

#[pymethods]
impl Buffer {
    /// The address of the first byte.
    #[getter]
    fn address(&self) -> usize {
        self.bytes.addr
    }

    /// The number of bytes.
    #[getter]
    fn size(&self) -> usize {
        self.bytes.len
    }

    /// True unless the file was opened writable (r+, c, w+).
    #[getter]
    fn readonly(&self) -> bool {
        !self.bytes.writable
    }

    /// The file's name.
    #[getter]
    fn name(&self) -> String {
        self.bytes.src.name().to_string()
    }

    /// Write changes of a shared writable map (r+, w+) to the file.
    fn flush(&self, py: Python<'_>) -> PyResult<()> {
        let b = self.bytes.clone();
        py.detach(move || b.src.flush()).py()
    }
}

/// An open file: its layout, mode and resolved map.
#[pyclass(frozen, module = "binmap._native")]
struct File {
    layout: Layout,
    mode: String,
    state: RwLock<Option<Arc<Mapped>>>,
}

/// Read a layout: a path to a .bml file, or the layout text itself (as the
/// CLI's `-l`).
fn load_layout(arg: &str) -> binmap::Result<Layout> {
    let p = Path::new(arg);
    if !arg.contains('\n') && p.is_file() {
        let text = std::fs::read(p).map_err(|e| Error::io(arg, &e))?;
        let text = String::from_utf8(text).map_err(|e| {
            Error::new(
                ErrorKind::Layout,
                format!("layout file {arg} is not UTF-8 text (bad byte at {:#x})", e.utf8_error().valid_up_to()),
            )
        })?;
        return Layout::parse_named(&text, arg);
    }
    if arg.ends_with(".bml") && !arg.contains('\n') && !arg.contains(':') {
        return Err(Error::usage(format!("layout file {arg} does not exist")));
    }
    Layout::parse(arg)
}

fn parse_rows(rows: Option<&str>) -> binmap::Result<Option<Rows>> {
    rows.map(Rows::parse).transpose()
}

impl File {
    fn mapped(&self) -> PyResult<Arc<Mapped>> {
        let guard = self.state.read().map_err(|_| Error::usage("internal: a poisoned lock")).py()?;
        match guard.as_ref() {
            Some(m) => Ok(m.clone()),
            None => Err(py_err(Error::usage("the file is closed"))),
        }
    }
}

/// Open `path` in numpy's mode (`r`, `r+`, `c`, `w+`) with `layout` (a
/// .bml path or layout text; `None` for a .npy file). `w+` creates the file
/// with `size` zero bytes; `in_memory` reads it instead of mapping it.
#[pyfunction]
#[pyo3(signature = (path, layout, mode = "r", size = None, in_memory = false))]
fn open(
    py: Python<'_>,
    path: std::path::PathBuf,
    layout: Option<String>,
    mode: &str,
    size: Option<u64>,
    in_memory: bool,
) -> PyResult<File> {
    let mode = mode.to_string();
    py.detach(move || {
        let (src, writable) = match mode.as_str() {
            "r" if in_memory => (Source::open_in_memory(&path)?, false),
            "r" => (Source::open(&path, Mode::Read)?, false),
            "r+" => (Source::open(&path, Mode::ReadWrite)?, true),
            "c" => (Source::open(&path, Mode::CopyOnWrite)?, true),
            "w+" => {
                let size = size.ok_or_else(|| Error::usage("mode w+ needs a size (or values to pack)"))?;
                (Source::create(&path, size)?, true)
            }
            m => return Err(Error::usage(format!("unknown mode '{m}': expected r, r+, c or w+"))),
        };
        let layout = match layout {
            Some(l) => load_layout(&l)?,
            None if src.bytes().starts_with(binmap::npy::MAGIC) => binmap::npy::layout(src.bytes(), src.name())?,
            None => {
                return Err(Error::usage(format!(
                    "{} needs a layout: a .bml path or the layout text (only .npy files are recognised without one)",
                    src.name()
                )));
            }
        };
        let bytes = Arc::new(Bytes::new(src, writable));
        let mapped = Mapped::new(&layout, bytes)?;
        Ok(File { layout, mode, state: RwLock::new(Some(Arc::new(mapped))) })
    })
    .py()
}

/// What [`File::view`] returns: (offset, shape, strides, dtype literal, bf16).
type ViewTuple = (u64, Vec<u64>, Vec<u64>, String, bool);

#[pymethods]
impl File {
    /// The mode the file was opened in.
    #[getter]
    fn mode(&self) -> String {
        self.mode.clone()
    }

    /// The file's name.
    #[getter]
    fn name(&self) -> PyResult<String> {
        Ok(self.mapped()?.bytes.src.name().to_string())
    }

    /// The layout text.
    #[getter]
    fn layout_text(&self) -> String {
        self.layout.source.to_string()
    }

    /// False once closed.
    #[getter]
    fn is_open(&self) -> bool {
        self.state.read().map(|g| g.is_some()).unwrap_or(false)
    }

    /// The file's memory, for numpy.
    fn buffer(&self) -> PyResult<Buffer> {
        Ok(Buffer { bytes: self.mapped()?.bytes.clone() })
    }

    /// Where `path`'s bytes are as a numpy array, or `None` when numpy
    /// cannot express them.
    fn view(&self, path: &str) -> PyResult<Option<ViewTuple>> {
        let m = self.mapped()?;
        let v = binmap::pyapi::numpy_view(&m.map, path).py()?;
        Ok(v.map(|v| (v.offset, v.shape, v.strides, v.descr, v.bf16)))
    }

    /// `path`'s values as `binmap show -f json` prints them (`rows`: a
    /// slice of the outermost array, as `--rows`).
    #[pyo3(signature = (path = "", rows = None))]
    fn json<'py>(&self, py: Python<'py>, path: &str, rows: Option<&str>) -> PyResult<Bound<'py, PyBytes>> {
        let m = self.mapped()?;
        let (path, rows) = (path.to_string(), rows.map(str::to_string));
        let out = py
            .detach(move || -> binmap::Result<Vec<u8>> {
                let segs = parse_path(&path)?;
                let rows = parse_rows(rows.as_deref())?;
                let sel = select(&m.map, &segs)?;
                let mut out = Vec::new();
                let mut w = binmap::sink::json::JsonWriter::new(m.map.data(), &mut out);
                match rows {
                    Some(r) => match sel.rows(r, &segs)? {
                        Some(rs) => w.rows_document(&rs)?,
                        None => return Err(Error::usage(format!("rows need an array; '{path}' is not one"))),
                    },
                    None => w.document(&sel, &segs)?,
                }
                Ok(out)
            })
            .py()?;
        Ok(PyBytes::new(py, &out))
    }

    /// The path of the main table (the last top-level array), if any.
    fn main_table(&self) -> PyResult<Option<String>> {
        let m = self.mapped()?;
        Ok(binmap::select::main_table(&m.map).map(|p| binmap::select::path_to_string(&p)))
    }

    /// The rows of the array at `path` (its first dimension) and the bytes
    /// it spans; `None` when `path` is not an array.
    fn table_shape(&self, path: &str) -> PyResult<Option<(u64, u64)>> {
        let m = self.mapped()?;
        let segs = parse_path(path).py()?;
        let sel = select(&m.map, &segs).py()?;
        Ok(sel.rows(Rows::default(), &segs).py()?.map(|rs| {
            let (start, end) = rs.span();
            (rs.rows.end - rs.rows.start, end - start)
        }))
    }

    /// The map as `binmap info -f json` prints it.
    fn info_json(&self, py: Python<'_>) -> PyResult<String> {
        let m = self.mapped()?;
        Ok(py.detach(move || binmap::info::Info::of(&m.map).to_json()))
    }

    /// Undescribed byte ranges of the file, as (start, end) pairs.
    fn undescribed(&self) -> PyResult<Vec<(u64, u64)>> {
        let m = self.mapped()?;
        Ok(binmap::coverage::undescribed(&m.map).into_iter().map(|r| (r.start, r.end)).collect())
    }

    /// `binmap stats` as JSON: the columns `paths` (default: every numeric
    /// field of the main table), rows where `condition` holds, grouped by `by`.
    #[pyo3(signature = (paths, condition = None, by = None, rows = None))]
    fn stats_json(
        &self,
        py: Python<'_>,
        paths: Vec<String>,
        condition: Option<String>,
        by: Option<String>,
        rows: Option<String>,
    ) -> PyResult<String> {
        let m = self.mapped()?;
        py.detach(move || -> binmap::Result<String> {
            use binmap::query::table::Table;
            let rows = parse_rows(rows.as_deref())?;
            let (table, columns) = Table::for_paths(&m.map, &paths, rows)?;
            let columns = binmap::stats::numeric_columns(&table, &columns)?;
            let filter = condition.as_deref().map(|w| binmap::query::Predicate::new(w, &table)).transpose()?;
            let by = match &by {
                Some(b) => {
                    let p = parse_path(b)?;
                    let p = match p.strip_prefix(table.path.as_slice()) {
                        Some(rest) if !rest.is_empty() && table.column(&p).is_err() => rest.to_vec(),
                        _ => p,
                    };
                    Some(binmap::stats::group_column(&table, &p)?)
                }
                None => None,
            };
            let stats = binmap::stats::compute(&table, columns, filter.as_ref(), by, &())?;
            let mut out = Vec::new();
            binmap::stats::report::write(
                &m.map,
                &stats,
                binmap::sink::Format::Json,
                &binmap::stats::report::Options::default(),
                &mut out,
            )?;
            String::from_utf8(out).map_err(|_| Error::data("internal: stats JSON is not UTF-8"))
        })
        .py()
    }

    /// The rows of the table at `path` (default: the main table) where
    /// `condition` holds, as little-endian u64s.
    #[pyo3(signature = (condition, path = None, rows = None))]
    fn matching<'py>(
        &self,
        py: Python<'py>,
        condition: &str,
        path: Option<&str>,
        rows: Option<&str>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let m = self.mapped()?;
        let (condition, path, rows) = (condition.to_string(), path.map(str::to_string), rows.map(str::to_string));
        let ids = py
            .detach(move || {
                let rows = parse_rows(rows.as_deref())?;
                binmap::pyapi::matching_rows(&m.map, path.as_deref(), &condition, rows)
            })
            .py()?;
        let mut out = Vec::with_capacity(ids.len() * 8);
        for i in ids {
            out.extend_from_slice(&i.to_le_bytes());
        }
        Ok(PyBytes::new(py, &out))
    }

    /// The table at `path` (default: the main table) as an Arrow C stream,
    /// built now on all cores (`eager`) or batch by batch as it is read.
    #[pyo3(signature = (path = None, rows = None, batch_rows = None, eager = true))]
    fn arrow_stream(
        &self,
        py: Python<'_>,
        path: Option<String>,
        rows: Option<String>,
        batch_rows: Option<u64>,
        eager: bool,
    ) -> PyResult<ArrowStream> {
        let m = self.mapped()?;
        let stream = py
            .detach(move || -> binmap::Result<FFI_ArrowArrayStream> {
                let rows = parse_rows(rows.as_deref())?;
                if eager
                    && let Some((schema, batches)) =
                        binmap::pyapi::arrow::fast_batches(&m.map, path.as_deref(), rows, batch_rows)?
                {
                    let it = RecordBatchIterator::new(batches.into_iter().map(Ok), schema);
                    return Ok(FFI_ArrowArrayStream::new(Box::new(it)));
                }
                let reader = LazyBatches::new(m, path.as_deref(), rows, batch_rows)?;
                if eager {
                    let schema = reader.schema.clone();
                    let batches = binmap::pyapi::arrow::batches(&reader.table, reader.rows.clone(), batch_rows)?;
                    let it = RecordBatchIterator::new(batches.into_iter().map(Ok), schema);
                    Ok(FFI_ArrowArrayStream::new(Box::new(it)))
                } else {
                    Ok(FFI_ArrowArrayStream::new(Box::new(reader)))
                }
            })
            .py()?;
        Ok(ArrowStream { stream: Mutex::new(Box::new(stream)) })
    }

    /// Assign values as `binmap set` does (`records[0].value=1.5`): every
    /// value is checked before the first byte changes. Needs r+, c or w+.
    fn set(&self, py: Python<'_>, assignments: Vec<String>) -> PyResult<()> {
        let m = self.mapped()?;
        if !m.bytes.writable {
            return Err(py_err(Error::usage(format!(
                "{} is open read-only (mode {}): open it with mode='r+' (or 'c') to write",
                m.bytes.src.name(),
                self.mode
            ))));
        }
        let layout = self.layout.clone();
        let fresh = py
            .detach(move || -> binmap::Result<Mapped> {
                let edits = binmap::set::plan(&m.map, &assignments)?;
                // SAFETY: the bytes are a writable map (checked above) owned by
                // `m.bytes`; `Map` holds no reference into them that is read
                // while this slice is written (set's own contract).
                let data = unsafe { std::slice::from_raw_parts_mut(m.bytes.addr as *mut u8, m.bytes.len) };
                binmap::set::apply(data, &edits)?;
                Mapped::new(&layout, m.bytes.clone())
            })
            .py()?;
        *self.state.write().map_err(|_| Error::usage("internal: a poisoned lock")).py()? = Some(Arc::new(fresh));
        Ok(())
    }

    /// Resolve the layout again (after writes through numpy that changed a
    /// size field).
    fn refresh(&self, py: Python<'_>) -> PyResult<()> {
        let m = self.mapped()?;
        let layout = self.layout.clone();
        let fresh = py.detach(move || Mapped::new(&layout, m.bytes.clone())).py()?;
        *self.state.write().map_err(|_| Error::usage("internal: a poisoned lock")).py()? = Some(Arc::new(fresh));
        Ok(())
    }

    /// An error if the file changed (size or time) since it was opened.
    fn check_unchanged(&self) -> PyResult<()> {
        self.mapped()?.bytes.src.check_unchanged().py()
    }

    /// Forget the map: arrays made from it keep it alive until they go.
    fn close(&self) {
        if let Ok(mut g) = self.state.write() {
            if let Some(m) = g.as_ref() {
                let _ = m.bytes.src.flush();
            }
            *g = None;
        }
    }
}

/// Record batches made one at a time as a reader asks for them.
struct LazyBatches {
    // Declared (and so dropped) before `mapped`, whose map it borrows.
    table: binmap::export::Table<'static>,
    schema: SchemaRef,
    rows: Range<u64>,
    ranges: std::vec::IntoIter<Range<u64>>,
    mapped: Arc<Mapped>,
}

impl LazyBatches {
    fn new(
        mapped: Arc<Mapped>,
        path: Option<&str>,
        rows: Option<Rows>,
        batch_rows: Option<u64>,
    ) -> binmap::Result<LazyBatches> {
        // SAFETY: the map lives in `mapped`'s allocation, which this struct
        // holds (an `Arc`, so it never moves) and drops after `table`.
        let map: &'static Map<'static> = unsafe { &*(&mapped.map as *const Map<'static>) };
        let table = binmap::export::Table::new(map, path, rows)?;
        let schema = table.schema()?;
        let rows = table.rows();
        let ranges = binmap::pyapi::arrow::batch_ranges(&table, rows.clone(), batch_rows).into_iter();
        Ok(LazyBatches { table, schema, rows, ranges, mapped })
    }
}

impl Iterator for LazyBatches {
    type Item = Result<RecordBatch, ArrowError>;

    fn next(&mut self) -> Option<Self::Item> {
        let _keep = &self.mapped;
        let r = self.ranges.next()?;
        Some(
            binmap::pyapi::arrow::batch(&self.table, &self.schema, r)
                .map_err(|e| ArrowError::ExternalError(Box::new(std::io::Error::other(e.to_string())))),
        )
    }
}

impl RecordBatchReader for LazyBatches {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }
}

/// An Arrow C stream (`ArrowArrayStream`), for
/// `pyarrow.RecordBatchReader._import_from_c(stream.address)`.
#[pyclass(frozen, module = "binmap._native")]
struct ArrowStream {
    stream: Mutex<Box<FFI_ArrowArrayStream>>,
}

#[pymethods]
impl ArrowStream {
    /// The address of the `ArrowArrayStream` struct (its contents are moved
    /// out by the importer; the struct itself is freed with this object).
    #[getter]
    fn address(&self) -> PyResult<usize> {
        let g = self.stream.lock().map_err(|_| Error::usage("internal: a poisoned lock")).py()?;
        Ok(&**g as *const FFI_ArrowArrayStream as usize)
    }
}

/// Pack `json` (the shape `binmap show -f json` prints) with `layout` (a
/// .bml path or the text): the file's bytes, written atomically to `out`
/// when given; `onto` keeps an original file's bytes wherever the input sets
/// none (as `binmap pack --onto`).
#[pyfunction]
#[pyo3(signature = (layout, json, out = None, onto = None))]
fn pack<'py>(
    py: Python<'py>,
    layout: String,
    json: String,
    out: Option<std::path::PathBuf>,
    onto: Option<std::path::PathBuf>,
) -> PyResult<Option<Bound<'py, PyBytes>>> {
    let to_file = out.is_some();
    let bytes = py
        .detach(move || -> binmap::Result<Vec<u8>> {
            let layout = load_layout(&layout)?;
            let doc = binmap::text::json_read::parse_json(&json)
                .map_err(|e| Error::new(ErrorKind::Input, format!("bad JSON: {e}")))?;
            let bytes = match &onto {
                Some(o) => {
                    let src = Source::open(o, Mode::Read)?;
                    binmap::pack::pack_onto(&layout, &doc, binmap::encode::Origin::Json, src.bytes())?
                }
                None => binmap::pack::pack(&layout, &doc, binmap::encode::Origin::Json)?,
            };
            if let Some(o) = &out {
                binmap::write::write_atomic(o, &bytes)?;
                return Ok(Vec::new());
            }
            Ok(bytes)
        })
        .py()?;
    Ok(if to_file { None } else { Some(PyBytes::new(py, &bytes)) })
}

/// The type of the field at `path` (dotted) in `items`.
fn find_type<'t>(items: &'t [Item], path: &[&str]) -> Option<&'t Type> {
    let (first, rest) = path.split_first()?;
    for it in items {
        match it {
            Item::Field(f) if f.name.as_deref() == Some(*first) => {
                let mut t = &f.ty;
                if rest.is_empty() {
                    return Some(t);
                }
                while let Type::Array { elem, .. } = t {
                    t = elem;
                }
                return match t {
                    Type::Struct(st) => find_type(&st.items, rest),
                    _ => None,
                };
            }
            Item::If { body, .. } => {
                if let Some(t) = find_type(body, path) {
                    return Some(t);
                }
            }
            _ => {}
        }
    }
    None
}

/// The numpy dtype literal of a fixed-size layout, of the element of the
/// field at `path`, or of a type (`{ x: f64, y: f64 }`, `f32be[3]`).
#[pyfunction]
#[pyo3(signature = (layout, path = None))]
fn dtype_descr(layout: &str, path: Option<&str>) -> PyResult<String> {
    // A type first (`{ x: f64, y: f64 }`, `f32be[3]`): as a whole layout it
    // would mean an array of it to the end of the file.
    if path.is_none()
        && let Ok(l) = Layout::parse(&format!("value: {layout}"))
        && let [Item::Field(f)] = &l.root.items[..]
    {
        return binmap::layout::numpy::descr(&f.ty).map_err(|m| py_err(Error::usage(m)));
    }
    let parsed = load_layout(layout).map_err(py_err)?;
    let ty = match path {
        None => Type::Struct(parsed.root.clone()),
        Some(p) => {
            let parts: Vec<&str> = p.split('.').collect();
            let mut t = find_type(&parsed.root.items, &parts)
                .ok_or_else(|| py_err(Error::usage(format!("no field '{p}' in the layout"))))?
                .clone();
            while let Type::Array { elem, .. } = t {
                t = (*elem).clone();
            }
            t
        }
    };
    binmap::layout::numpy::descr(&ty).map_err(|m| py_err(Error::usage(m)))
}

/// The layout of a file of records of a numpy dtype (given as the string
/// `str(dtype.descr)` or any spelling `np.dtype` takes), as
/// `binmap layout --from-dtype` prints it.
#[pyfunction]
fn layout_from_descr(descr: &str) -> PyResult<String> {
    let ty = binmap::layout::numpy::dtype(descr).map_err(|m| py_err(Error::usage(format!("numpy dtype: {m}"))))?;
    let body = binmap::layout::print::type_text(&ty);
    Ok(format!("type Record = {body}\nrecords: Record[..]\n"))
}

/// Parse a layout (a .bml path or the text), raising `LayoutError` if it is
/// wrong; returns the text.
#[pyfunction]
fn check_layout(layout: &str) -> PyResult<String> {
    Ok(load_layout(layout).py()?.source.to_string())
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<File>()?;
    m.add_class::<Buffer>()?;
    m.add_class::<ArrowStream>()?;
    m.add_function(wrap_pyfunction!(open, m)?)?;
    m.add_function(wrap_pyfunction!(pack, m)?)?;
    m.add_function(wrap_pyfunction!(dtype_descr, m)?)?;
    m.add_function(wrap_pyfunction!(layout_from_descr, m)?)?;
    m.add_function(wrap_pyfunction!(check_layout, m)?)?;
    Ok(())
}
