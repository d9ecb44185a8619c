//! Parquet files, as pyarrow writes them by default: SNAPPY compression,
//! dictionary encoding, one row group per batch of rows (1 Mi rows, fewer
//! when rows are wide), and the Arrow schema embedded so that readers get
//! back the exact Arrow types (Float16, fixed-size lists).
//!
//! Row groups are encoded in parallel: each batch's columns are encoded
//! into in-memory column chunks on a worker thread, and the chunks are
//! appended to the file in order on the calling thread, which also writes
//! the bytes out as each row group is done.

use std::io::Write;
use std::ops::Range;
use std::sync::Arc;

use parquet::arrow::ArrowSchemaConverter;
use parquet::arrow::add_encoded_arrow_schema_to_metadata;
use parquet::arrow::arrow_writer::{ArrowRowGroupWriterFactory, compute_leaves};
use parquet::basic::Compression;
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;

use super::Table;
use crate::error::{Error, ErrorKind, Result};
use crate::progress::Progress;

/// Write `rows` of `table` as a Parquet file to `out`.
pub(crate) fn write(table: &Table<'_>, rows: Range<u64>, out: &mut dyn Write, progress: &dyn Progress) -> Result<()> {
    let schema = table.schema()?;
    let mut props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
    add_encoded_arrow_schema_to_metadata(&schema, &mut props);
    let parquet_schema =
        ArrowSchemaConverter::new().with_coerce_types(props.coerce_types()).convert(&schema).map_err(failed)?;
    // The file is assembled in a buffer that is written out after each row
    // group: the parquet writer needs a `Send` writer, `out` need not be one.
    let mut writer =
        SerializedFileWriter::new(Vec::new(), parquet_schema.root_schema_ptr(), Arc::new(props)).map_err(failed)?;
    let factory = ArrowRowGroupWriterFactory::new(&writer, schema.clone());
    super::pipeline(
        rows,
        table.batch_rows(),
        |k, range| {
            let batch = table.record_batch(range, &schema)?;
            let mut writers = factory.create_column_writers(k).map_err(failed)?;
            let mut next = writers.iter_mut();
            for (field, array) in schema.fields().iter().zip(batch.columns()) {
                for leaf in compute_leaves(field, array).map_err(failed)? {
                    let w = next.next().ok_or_else(|| Error::data("internal: more Parquet leaves than columns"))?;
                    w.write(&leaf).map_err(failed)?;
                }
            }
            writers.into_iter().map(|w| w.close().map_err(failed)).collect::<Result<Vec<_>>>()
        },
        |range, chunks| {
            let mut group = writer.next_row_group().map_err(failed)?;
            for chunk in chunks {
                chunk.append_to_row_group(&mut group).map_err(failed)?;
            }
            group.close().map_err(failed)?;
            writer.flush().map_err(|e| Error::io("<parquet buffer>", &e))?;
            crate::sink::flush(writer.inner_mut(), out)?;
            progress.advance(range.end - range.start);
            Ok(())
        },
    )?;
    let mut rest = writer.into_inner().map_err(failed)?;
    crate::sink::flush(&mut rest, out)
}

fn failed(e: ParquetError) -> Error {
    Error::new(ErrorKind::Io, format!("writing Parquet: {e}"))
}
