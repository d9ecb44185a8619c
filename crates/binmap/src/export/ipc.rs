//! Arrow IPC files (the random-access "file" format, `.arrow`, which is
//! also Feather version 2): one record batch per batch of rows,
//! uncompressed, as `pyarrow.ipc.new_file` writes by default. Batches are
//! built in parallel and written in order.

use std::io::Write;
use std::ops::Range;

use arrow_ipc::writer::FileWriter;
use arrow_schema::ArrowError;

use super::Table;
use crate::error::{Error, ErrorKind, Result};
use crate::progress::Progress;

/// Write `rows` of `table` as an Arrow IPC file to `out`.
pub(crate) fn write(table: &Table<'_>, rows: Range<u64>, out: &mut dyn Write, progress: &dyn Progress) -> Result<()> {
    let schema = table.schema()?;
    let mut writer = FileWriter::try_new(out, &schema).map_err(failed)?;
    super::pipeline(
        rows,
        table.batch_rows(),
        |_, range| table.record_batch(range, &schema),
        |range, batch| {
            writer.write(&batch).map_err(failed)?;
            progress.advance(range.end - range.start);
            Ok(())
        },
    )?;
    writer.finish().map_err(failed)
}

fn failed(e: ArrowError) -> Error {
    match e {
        ArrowError::IoError(_, io) if io.kind() == std::io::ErrorKind::BrokenPipe => {
            Error::new(ErrorKind::Io, "broken pipe")
        }
        e => Error::new(ErrorKind::Io, format!("writing Arrow IPC: {e}")),
    }
}
