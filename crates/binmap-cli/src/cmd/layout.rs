//! `binmap layout --from-dtype DTYPE | --from-struct FMT | --from-npy FILE`
//!
//! Print the native `.bml` layout equivalent to a numpy dtype, a Python
//! struct format, or a `.npy` file's header. Used instead of the original
//! (`dtype("...")`, `struct("...")`, or the `.npy` auto-detection), it gives
//! identical output.

use binmap::layout::Type;
use binmap::layout::print::{to_bml, type_text};
use binmap::{Error, Mode, Result};

/// Print the .bml equivalent of a numpy dtype, a struct format or a .npy header.
#[derive(clap::Args)]
#[group(required = true, multiple = false)]
pub struct Args {
    /// A numpy dtype as numpy spells it: `<f8`, `S12,<i8,<f4`, `[('x','<f8'),('y','<f8')]`, `{'names': ...}`.
    #[arg(long)]
    from_dtype: Option<String>,
    /// A Python struct format: `!id5s`, `<12sqf`, `@bi`.
    #[arg(long)]
    from_struct: Option<String>,
    /// A .npy file.
    #[arg(long)]
    from_npy: Option<String>,
}

pub fn run(a: Args) -> Result<()> {
    let text = if let Some(d) = a.from_dtype {
        let ty = binmap::layout::numpy::dtype(&d).map_err(|m| Error::usage(format!("numpy dtype: {m}")))?;
        record_layout(&format!("np.dtype({d:?})"), &ty)
    } else if let Some(f) = a.from_struct {
        let fmt = binmap::pystruct::parse(&f)?;
        let ty = Type::Struct(std::sync::Arc::new(binmap::pystruct::to_struct_type(&fmt)));
        record_layout(&format!("struct format {f:?}"), &ty)
    } else if let Some(path) = a.from_npy {
        let src = crate::util::open_file(&path, Mode::Read)?;
        let layout = binmap::npy::layout(src.bytes(), src.name())?;
        format!("# {path}: the .npy header, then the array\n{}", to_bml(&layout.root))
    } else {
        return Err(Error::usage("give --from-dtype, --from-struct or --from-npy"));
    };
    print!("{text}");
    Ok(())
}

/// A record type and a file of such records: `type Record = ...` then `records: Record[..]`.
fn record_layout(origin: &str, ty: &Type) -> String {
    let body = type_text(ty);
    format!("# {origin}\ntype Record = {body}\nrecords: Record[..]\n")
}
