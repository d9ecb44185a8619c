//! Type-checking a `--where` tree against a table, into [`Code`] whose
//! operands already have one type each, so evaluation never converts or
//! checks types per value.
//!
//! Types follow numpy (NEP 50, numpy 2): fields are "strong" typed and
//! literals "weak". A literal takes the type of the field it meets, so
//! `value == 0.1` on a `f32` field compares with `float32(0.1)`, as
//! `arr == 0.1` does in numpy; a float field meeting an integer field
//! promotes as `np.result_type` does (`f32` with `i8`/`i16` stays `f32`,
//! with `i32`/`i64` becomes `f64`). Integer arithmetic is exact (an
//! overflow of 128 bits is an error where numpy would wrap), `/` is true
//! division, `%` follows Python's sign rule. Booleans count as integers
//! (0, 1) in arithmetic and comparisons, as in numpy; strings compare by
//! bytes, as numpy compares `S` arrays.

use super::parse::{BinOp, Expr, ExprKind, error_at};
use super::table::{ColumnRef, LeafType, Table};
use crate::error::Result;
use crate::layout::ScalarKind;
use crate::select::{Seg, path_to_string};

/// Float widths, in numpy's promotion order (`bf16` and `f16` meet at `f32`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    F16,
    BF16,
    F32,
    F64,
}

impl Width {
    fn of(kind: ScalarKind) -> Width {
        match kind {
            ScalarKind::F16 => Width::F16,
            ScalarKind::BF16 => Width::BF16,
            ScalarKind::F32 => Width::F32,
            _ => Width::F64,
        }
    }

    /// The narrowest float numpy uses for an integer kind (`i8` → `f16`, `i16` → `f32`, wider → `f64`).
    fn for_int(kind: Option<ScalarKind>) -> Width {
        match kind.map(ScalarKind::size) {
            Some(1) => Width::F16,
            Some(2) => Width::F32,
            _ => Width::F64,
        }
    }

    fn join(self, other: Width) -> Width {
        use Width::*;
        match (self, other) {
            (a, b) if a == b => a,
            (F64, _) | (_, F64) => F64,
            _ => F32,
        }
    }

    /// Round `x` (exact in f64) to this width, ties to even.
    ///
    /// ```
    /// use binmap::query::compile::Width;
    /// assert_eq!(Width::F32.round(0.1), 0.1f32 as f64);
    /// assert_eq!(Width::F16.round(65519.0), 65504.0);
    /// assert_eq!(Width::F16.round(65520.0), f64::INFINITY);
    /// assert_eq!(Width::F16.round(2049.0), 2048.0);
    /// ```
    #[inline]
    pub fn round(self, x: f64) -> f64 {
        match self {
            Width::F64 => x,
            Width::F32 => f64::from(x as f32),
            // 11 significant bits, smallest step 2^-24, largest finite 65504.
            Width::F16 => round_bits(x, 11, -24, 65504.0),
            // 8 significant bits, smallest step 2^-133, largest finite (2 - 2^-7) * 2^127.
            Width::BF16 => round_bits(x, 8, -133, 3.3895313892515355e38),
        }
    }
}

/// Round `x` to `bits` significant bits with steps no smaller than
/// `2^min_exp`; beyond `max` (after rounding) it is infinite. Exact:
/// scaling by a power of two and `round_ties_even` lose nothing in f64.
fn round_bits(x: f64, bits: i32, min_exp: i32, max: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    let exp = ((x.to_bits() >> 52) & 0x7ff) as i32 - 1023;
    let step = (exp - (bits - 1)).max(min_exp);
    let scale = 2f64.powi(step);
    let r = (x / scale).round_ties_even() * scale;
    if r.abs() > max { f64::INFINITY.copysign(x) } else { r }
}

/// The type of a value in compiled code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    Int,
    Float(Width),
    Bool,
    Str,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::Int => "an integer",
            Ty::Float(_) => "a float",
            Ty::Bool => "a boolean",
            Ty::Str => "a string",
        }
    }
}

/// A constant.
#[derive(Clone, Debug, PartialEq)]
pub enum Konst {
    Int(i128),
    Float(f64),
    Bool(bool),
    Str(Vec<u8>),
}

/// Arithmetic operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Typed code: both operands of every operation have the operation's type.
#[derive(Clone, Debug, PartialEq)]
pub enum Code {
    Const(Konst),
    /// Column `i` of the predicate, as its [`Ty`].
    Column(usize),
    /// An integer or a float converted (rounded) to a float width.
    ToFloat(Box<Code>, Width),
    /// A boolean as the integers 0 and 1.
    BoolToInt(Box<Code>),
    Neg(Box<Code>, Ty),
    Arith(Arith, Box<Code>, Box<Code>, Ty),
    Cmp(Cmp, Box<Code>, Box<Code>, Ty),
    And(Box<Code>, Box<Code>),
    Or(Box<Code>, Box<Code>),
    Not(Box<Code>),
    In {
        value: Box<Code>,
        list: Vec<Konst>,
        negated: bool,
        ty: Ty,
    },
}

/// What the checker knows of an expression: its type, whether it comes
/// from literals only (numpy's "weak" scalars), and for integer fields
/// their kind (for float promotion).
#[derive(Clone, Copy, Debug)]
struct Static {
    ty: Ty,
    weak: bool,
    int_kind: Option<ScalarKind>,
}

/// The output of [`compile`]: the code and the columns it reads.
pub struct Compiled<'m> {
    pub code: Code,
    pub columns: Vec<ColumnRef<'m>>,
}

/// Check `expr` (parsed from `text`) against `table` and compile it. The
/// result must be a boolean.
pub fn compile<'m>(text: &str, expr: &Expr, table: &Table<'m>) -> Result<Compiled<'m>> {
    let mut c = Checker { text, table, columns: Vec::new() };
    let (code, st) = c.expr(expr)?;
    if st.ty != Ty::Bool {
        return Err(error_at(
            text,
            &expr.span,
            format!("this is {}, not a condition: compare it (like value > 0)", st.ty.name()),
        ));
    }
    Ok(Compiled { code, columns: c.columns })
}

struct Checker<'t, 'm> {
    text: &'t str,
    table: &'t Table<'m>,
    columns: Vec<ColumnRef<'m>>,
}

impl<'m> Checker<'_, 'm> {
    fn err(&self, e: &Expr, msg: impl std::fmt::Display) -> crate::Error {
        error_at(self.text, &e.span, msg)
    }

    fn quoted(&self, e: &Expr) -> String {
        format!("'{}'", &self.text[e.span.clone()])
    }

    fn expr(&mut self, e: &Expr) -> Result<(Code, Static)> {
        let weak = |ty| Static { ty, weak: true, int_kind: None };
        Ok(match &e.kind {
            ExprKind::Int(v) => (Code::Const(Konst::Int(*v)), weak(Ty::Int)),
            ExprKind::Float(v) => (Code::Const(Konst::Float(*v)), weak(Ty::Float(Width::F64))),
            ExprKind::Bool(b) => (Code::Const(Konst::Bool(*b)), weak(Ty::Bool)),
            // numpy strips trailing NULs from string values, literals too.
            ExprKind::Str(s) => {
                let end = s.iter().rposition(|&c| c != 0).map_or(0, |i| i + 1);
                (Code::Const(Konst::Str(s[..end].to_vec())), weak(Ty::Str))
            }
            ExprKind::Field(path) => self.field(e, path)?,
            ExprKind::Neg(inner) => {
                let (code, st) = self.expr(inner)?;
                let (code, st) = self.numeric(inner, code, st, "negate")?;
                (Code::Neg(Box::new(code), st.ty), st)
            }
            ExprKind::Not(inner) => {
                let code = self.condition(inner)?;
                (Code::Not(Box::new(code)), weak(Ty::Bool))
            }
            ExprKind::Binary(op @ (BinOp::And | BinOp::Or), a, b) => {
                let (ca, cb) = (Box::new(self.condition(a)?), Box::new(self.condition(b)?));
                let code = if *op == BinOp::And { Code::And(ca, cb) } else { Code::Or(ca, cb) };
                (code, weak(Ty::Bool))
            }
            ExprKind::Binary(op, a, b) if op.is_comparison() => {
                let (ca, sa) = self.compared(a, b)?;
                let (cb, sb) = self.compared(b, a)?;
                let cmp = match op {
                    BinOp::Eq => Cmp::Eq,
                    BinOp::Ne => Cmp::Ne,
                    BinOp::Lt => Cmp::Lt,
                    BinOp::Le => Cmp::Le,
                    BinOp::Gt => Cmp::Gt,
                    _ => Cmp::Ge,
                };
                let (ca, cb, st) = self.unify(e, (a, ca, sa), (b, cb, sb), matches!(cmp, Cmp::Eq | Cmp::Ne))?;
                (Code::Cmp(cmp, Box::new(ca), Box::new(cb), st.ty), weak(Ty::Bool))
            }
            ExprKind::Binary(op, a, b) => {
                let (ca, sa) = self.expr(a)?;
                let (cb, sb) = self.expr(b)?;
                let what = format!("use '{}' on", op.symbol());
                let (ca, sa) = self.numeric(a, ca, sa, &what)?;
                let (cb, sb) = self.numeric(b, cb, sb, &what)?;
                let (mut ca, mut cb, mut st) = self.unify(e, (a, ca, sa), (b, cb, sb), false)?;
                let arith = match op {
                    BinOp::Add => Arith::Add,
                    BinOp::Sub => Arith::Sub,
                    BinOp::Mul => Arith::Mul,
                    BinOp::Div => Arith::Div,
                    _ => Arith::Mod,
                };
                if arith == Arith::Div && st.ty == Ty::Int {
                    // True division, as in Python and numpy: integers become f64.
                    ca = to_float(ca, Ty::Int, Width::F64);
                    cb = to_float(cb, Ty::Int, Width::F64);
                    st.ty = Ty::Float(Width::F64);
                }
                (Code::Arith(arith, Box::new(ca), Box::new(cb), st.ty), st)
            }
            ExprKind::In { value, list, negated } => {
                let (mut code, mut st) = self.expr(value)?;
                let mut consts = Vec::new();
                for item in list {
                    let (ci, si) = self.compared(item, value)?;
                    let (Code::Const(k), true) = (ci.clone(), si.weak) else {
                        return Err(self.err(item, "the list after 'in' must hold values, not fields"));
                    };
                    let (cv, ck, su) = self.unify(e, (value, code.clone(), st), (item, Code::Const(k), si), true)?;
                    // The value may be converted (an int field in a list of floats).
                    code = cv;
                    st.ty = su.ty;
                    consts.push(ck);
                }
                let list = consts
                    .into_iter()
                    .map(|c| match c {
                        Code::Const(k) => fold(k, st.ty),
                        _ => None,
                    })
                    .collect::<Option<Vec<Konst>>>()
                    .ok_or_else(|| self.err(e, "internal: a list value is not a constant"))?;
                (Code::In { value: Box::new(code), list, negated: *negated, ty: st.ty }, weak(Ty::Bool))
            }
        })
    }

    /// `e` compared with `other`: when `other` is an enum or flags column,
    /// a name (`green`, `"green"`, `Color.green`, `"read|write"`) is its value.
    fn compared(&mut self, e: &Expr, other: &Expr) -> Result<(Code, Static)> {
        let ExprKind::Field(other_path) = &other.kind else { return self.expr(e) };
        let Some(def) = self.resolve(other, other_path).ok().and_then(|c| c.names()) else { return self.expr(e) };
        let text = match &e.kind {
            ExprKind::Str(s) => String::from_utf8_lossy(s).into_owned(),
            ExprKind::Field(p) if self.resolve(e, p).is_err() => match p.as_slice() {
                [Seg::Field(n)] => n.to_string(),
                [Seg::Field(t), Seg::Field(n)] if **t == *def.name => n.to_string(),
                _ => return self.expr(e),
            },
            _ => return self.expr(e),
        };
        let v = def.parse(&text).map_err(|why| self.err(e, why))?;
        Ok((Code::Const(Konst::Int(v)), Static { ty: Ty::Int, weak: true, int_kind: None }))
    }

    fn condition(&mut self, e: &Expr) -> Result<Code> {
        let (code, st) = self.expr(e)?;
        if st.ty != Ty::Bool {
            return Err(self.err(e, format!("{} is {}, not a condition (true or false)", self.quoted(e), st.ty.name())));
        }
        Ok(code)
    }

    /// Booleans become integers; strings are refused.
    fn numeric(&self, e: &Expr, code: Code, st: Static, what: &str) -> Result<(Code, Static)> {
        match st.ty {
            Ty::Str => Err(self.err(e, format!("cannot {what} {}: it is a string", self.quoted(e)))),
            // A bool promotes like the smallest integer (bool + f32 is f32 in numpy).
            Ty::Bool => Ok((
                Code::BoolToInt(Box::new(code)),
                Static { ty: Ty::Int, weak: st.weak, int_kind: Some(ScalarKind::Bool) },
            )),
            _ => Ok((code, st)),
        }
    }

    /// Bring two operands to one type (numpy's promotion with weak literals).
    fn unify(
        &self,
        whole: &Expr,
        (ea, ca, sa): (&Expr, Code, Static),
        (eb, cb, sb): (&Expr, Code, Static),
        equality: bool,
    ) -> Result<(Code, Code, Static)> {
        let mismatch = || {
            self.err(
                whole,
                format!(
                    "cannot compare {} ({}) with {} ({})",
                    self.quoted(ea),
                    sa.ty.name(),
                    self.quoted(eb),
                    sb.ty.name()
                ),
            )
        };
        let both_weak = sa.weak && sb.weak;
        let target = match (sa.ty, sb.ty) {
            (Ty::Str, Ty::Str) => Ty::Str,
            (Ty::Str, _) | (_, Ty::Str) => return Err(mismatch()),
            (Ty::Bool, Ty::Bool) if equality => Ty::Bool,
            (Ty::Bool, _) | (_, Ty::Bool) => {
                let (ca, sa) = self.numeric(ea, ca, sa, "compare")?;
                let (cb, sb) = self.numeric(eb, cb, sb, "compare")?;
                return self.unify(whole, (ea, ca, sa), (eb, cb, sb), equality);
            }
            (Ty::Int, Ty::Int) => Ty::Int,
            (Ty::Float(wa), Ty::Float(wb)) => Ty::Float(match (sa.weak, sb.weak) {
                (true, false) => wb,
                (false, true) => wa,
                _ => wa.join(wb),
            }),
            (Ty::Float(w), Ty::Int) | (Ty::Int, Ty::Float(w)) => {
                let (float_weak, int_st) = if sa.ty == Ty::Int { (sb.weak, sa) } else { (sa.weak, sb) };
                Ty::Float(match (float_weak, int_st.weak) {
                    // A weak float meets a strong integer: numpy uses the default float, f64.
                    (true, false) => Width::F64,
                    (false, true) => w,
                    _ => w.join(Width::for_int(int_st.int_kind)),
                })
            }
        };
        let int_kind = match (sa.int_kind, sb.int_kind) {
            (Some(a), Some(b)) => promote_ints(a, b),
            (a, b) => a.or(b),
        };
        let st = Static { ty: target, weak: both_weak, int_kind };
        let convert = |code: Code, from: Ty| match target {
            Ty::Float(w) if from != target => to_float(code, from, w),
            _ => code,
        };
        Ok((convert(ca, sa.ty), convert(cb, sb.ty), st))
    }

    fn field(&mut self, e: &Expr, path: &[Seg]) -> Result<(Code, Static)> {
        let col = self.resolve(e, path)?;
        let leaf = col.leaf_type().ok_or_else(|| {
            self.err(e, format!("{} is a struct or an array: compare one of its fields", self.quoted(e)))
        })?;
        let (ty, int_kind) = match leaf {
            LeafType::Int(k) => (Ty::Int, Some(k)),
            LeafType::Float(k) => (Ty::Float(Width::of(k)), None),
            LeafType::Bool => (Ty::Bool, None),
            LeafType::Str => (Ty::Str, None),
            LeafType::Complex => {
                return Err(self.err(e, format!("{} is complex: complex values cannot be compared", self.quoted(e))));
            }
        };
        let index = match self.columns.iter().position(|c| c.path == col.path) {
            Some(i) => i,
            None => {
                self.columns.push(col);
                self.columns.len() - 1
            }
        };
        Ok((Code::Column(index), Static { ty, weak: false, int_kind }))
    }

    /// The column a field path names: inside the element (`value`), or
    /// with the table's own path in front (`records.value`).
    fn resolve(&self, e: &Expr, path: &[Seg]) -> Result<ColumnRef<'m>> {
        let table = self.table;
        if let Ok(c) = table.column(path) {
            return Ok(c);
        }
        if let Some(rest) = path.strip_prefix(table.path.as_slice())
            && let Ok(c) = table.column(rest)
        {
            return Ok(c);
        }
        // Scalar elements: the array's own name is the value.
        if path.len() == 1 && path_to_string(path) == table.name() && table.leaves().len() == 1 {
            return table.column(&[]);
        }
        let names: Vec<String> = table.leaves().iter().map(|c| c.name.clone()).take(20).collect();
        let written = path_to_string(path);
        let hint = match crate::suggest::closest(&written, names.iter().map(String::as_str)) {
            Some(n) => format!("; did you mean '{n}'?"),
            // A bare word that is no field: most often text left unquoted.
            None if path.len() == 1 => format!("; if '{written}' is text, quote it: \"{written}\""),
            None => String::new(),
        };
        Err(self.err(
            e,
            format!(
                "no field {} in the rows of '{}'; they have: {}{hint}",
                self.quoted(e),
                path_to_string(&table.path),
                names.join(", ")
            ),
        ))
    }
}

/// numpy's integer promotion (`np.promote_types`), for the float width an
/// integer result meets later: the wider kind, or for a signed and an
/// unsigned kind of the same or larger unsigned size the next signed size
/// (`i8 + u8` is `i16`); `i64 + u64` is float64 in numpy (`None`).
fn promote_ints(a: ScalarKind, b: ScalarKind) -> Option<ScalarKind> {
    use ScalarKind::*;
    let signed = |k: ScalarKind| k.is_signed();
    // numpy has no 24- to 56-bit integers: they promote as the next numpy size.
    let size = |k: ScalarKind| match k.size() {
        _ if k == Bool => 0,
        3 => 4,
        5..=7 => 8,
        n => n,
    };
    let wider = if size(a) >= size(b) { a } else { b };
    let (s, u) = match (signed(a), signed(b)) {
        (true, false) => (a, b),
        (false, true) => (b, a),
        _ => return Some(wider),
    };
    if size(u) < size(s) {
        return Some(s);
    }
    // An unsigned kind at least as wide as the signed one: the next signed size.
    match size(u) {
        0 | 1 => Some(I16),
        2 => Some(I32),
        4 => Some(I64),
        _ => None,
    }
}

/// `code` of type `from` as a float of width `w`, folded when constant.
fn to_float(code: Code, from: Ty, w: Width) -> Code {
    match (&code, from) {
        (Code::Const(k), _) => match fold(k.clone(), Ty::Float(w)) {
            Some(k) => Code::Const(k),
            None => Code::ToFloat(Box::new(code), w),
        },
        (_, Ty::Float(have)) if have == w => code,
        _ => Code::ToFloat(Box::new(code), w),
    }
}

/// A constant converted to `ty` (`None` when it is not convertible).
fn fold(k: Konst, ty: Ty) -> Option<Konst> {
    Some(match (k, ty) {
        (Konst::Int(v), Ty::Float(w)) => Konst::Float(w.round(v as f64)),
        (Konst::Float(v), Ty::Float(w)) => Konst::Float(w.round(v)),
        (Konst::Bool(b), Ty::Int) => Konst::Int(b.into()),
        (Konst::Bool(b), Ty::Float(_)) => Konst::Float(f64::from(u8::from(b))),
        (k @ Konst::Int(_), Ty::Int) | (k @ Konst::Bool(_), Ty::Bool) | (k @ Konst::Str(_), Ty::Str) => k,
        _ => return None,
    })
}
