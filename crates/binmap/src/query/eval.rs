//! Evaluating [`Code`] over a chunk of rows at once: every operation is
//! one tight loop over a lane of values (or a constant), like numexpr,
//! never a tree walk per value.

use std::borrow::Cow;
use std::ops::Range;

use super::compile::{Arith, Cmp, Code, Konst, Ty, Width};
use super::table::{ColumnRef, Lane, StrLane, Table};
use crate::error::{Error, Result};
use crate::select::Seg;

/// A column (borrowed from the chunk's lanes, or computed) or a constant.
#[derive(Clone, Debug)]
enum Col<'a, T: Clone> {
    One(T),
    Many(Cow<'a, [T]>),
}

/// An intermediate value over a chunk.
#[derive(Clone, Debug)]
enum Val<'a> {
    Int(Col<'a, i128>),
    Float(Col<'a, f64>),
    Bool(Col<'a, bool>),
    Str(StrVal<'a>),
}

#[derive(Clone, Debug)]
enum StrVal<'a> {
    One(Vec<u8>),
    Many(&'a StrLane),
}

/// Apply `f` pairwise (a constant is repeated).
#[inline]
fn zip<'a, T: Copy, U: Clone>(a: Col<'_, T>, b: Col<'_, T>, f: impl Fn(T, T) -> U) -> Col<'a, U> {
    match (a, b) {
        (Col::One(x), Col::One(y)) => Col::One(f(x, y)),
        (Col::Many(x), Col::One(y)) => Col::Many(x.iter().map(|&x| f(x, y)).collect()),
        (Col::One(x), Col::Many(y)) => Col::Many(y.iter().map(|&y| f(x, y)).collect()),
        (Col::Many(x), Col::Many(y)) => Col::Many(x.iter().zip(y.iter()).map(|(&x, &y)| f(x, y)).collect()),
    }
}

/// Apply a fallible `f` pairwise; the error names the first failing row.
fn try_zip<'a, T: Copy, U: Clone>(
    a: Col<'_, T>,
    b: Col<'_, T>,
    f: impl Fn(T, T) -> Option<U>,
) -> std::result::Result<Col<'a, U>, usize> {
    match zip(a, b, f) {
        Col::One(v) => v.map(Col::One).ok_or(0),
        Col::Many(v) => match v.iter().position(Option::is_none) {
            Some(i) => Err(i),
            None => Ok(Col::Many(v.iter().flatten().cloned().collect())),
        },
    }
}

fn map<'a, T: Copy, U: Clone>(a: Col<'_, T>, f: impl Fn(T) -> U) -> Col<'a, U> {
    match a {
        Col::One(x) => Col::One(f(x)),
        Col::Many(v) => Col::Many(v.iter().map(|&x| f(x)).collect()),
    }
}

fn compare<'a, T: Copy + PartialOrd>(op: Cmp, a: Col<'_, T>, b: Col<'_, T>) -> Col<'a, bool> {
    // NaN compares false, except `!=`, as in numpy.
    match op {
        Cmp::Eq => zip(a, b, |x, y| x == y),
        Cmp::Ne => zip(a, b, |x, y| x != y),
        Cmp::Lt => zip(a, b, |x, y| x < y),
        Cmp::Le => zip(a, b, |x, y| x <= y),
        Cmp::Gt => zip(a, b, |x, y| x > y),
        Cmp::Ge => zip(a, b, |x, y| x >= y),
    }
}

/// Evaluates compiled code for chunks of a table's rows.
pub struct Evaluator<'p, 'm> {
    pub table: &'p Table<'m>,
    pub columns: &'p [ColumnRef<'m>],
    /// The expression text, for runtime errors.
    pub text: &'p str,
}

impl Evaluator<'_, '_> {
    /// Evaluate the condition `code` for `rows` (one chunk), one bool per
    /// row into `mask`. `given` holds lanes the caller has already loaded
    /// for these rows (by column path): they are read, not loaded again.
    pub fn mask(&self, code: &Code, rows: Range<u64>, mask: &mut Vec<bool>, given: &[(&[Seg], &Lane)]) -> Result<()> {
        let n = (rows.end - rows.start) as usize;
        let mut lanes: Vec<Cow<'_, Lane>> = Vec::with_capacity(self.columns.len());
        for col in self.columns {
            lanes.push(match given.iter().find(|(p, _)| *p == col.path.as_slice()) {
                Some((_, lane)) => Cow::Borrowed(*lane),
                None => Cow::Owned(col.load(self.table.data, &self.table.addresses(col, rows.clone())?)?),
            });
        }
        match self.eval(code, &rows, &lanes)? {
            Val::Bool(Col::One(b)) => mask.extend(std::iter::repeat_n(b, n)),
            Val::Bool(Col::Many(v)) => mask.extend_from_slice(&v),
            _ => return Err(Error::usage("internal: a --where condition is not a boolean")),
        }
        Ok(())
    }

    fn eval<'a>(&self, code: &Code, rows: &Range<u64>, lanes: &'a [Cow<'a, Lane>]) -> Result<Val<'a>> {
        Ok(match code {
            Code::Const(k) => match k {
                Konst::Int(v) => Val::Int(Col::One(*v)),
                Konst::Float(v) => Val::Float(Col::One(*v)),
                Konst::Bool(v) => Val::Bool(Col::One(*v)),
                Konst::Str(v) => Val::Str(StrVal::One(v.clone())),
            },
            Code::Column(i) => match lanes.get(*i).map(|l| &**l) {
                Some(Lane::Int(v)) => Val::Int(Col::Many(Cow::Borrowed(v))),
                Some(Lane::Float(v)) => Val::Float(Col::Many(Cow::Borrowed(v))),
                Some(Lane::Bool(v)) => Val::Bool(Col::Many(Cow::Borrowed(v))),
                Some(Lane::Str(v)) => Val::Str(StrVal::Many(v)),
                None => return Err(Error::usage("internal: a column was not loaded")),
            },
            Code::ToFloat(inner, w) => match self.eval(inner, rows, lanes)? {
                Val::Int(c) => Val::Float(map(c, |x| w.round(x as f64))),
                Val::Float(c) => Val::Float(map(c, |x| w.round(x))),
                _ => return Err(Error::usage("internal: only numbers convert to floats")),
            },
            Code::BoolToInt(inner) => match self.eval(inner, rows, lanes)? {
                Val::Bool(c) => Val::Int(map(c, i128::from)),
                v => v,
            },
            Code::Neg(inner, _) => match self.eval(inner, rows, lanes)? {
                Val::Int(c) => Val::Int(map(c, |x| -x)),
                Val::Float(c) => Val::Float(map(c, |x| -x)),
                _ => return Err(Error::usage("internal: only numbers negate")),
            },
            Code::Not(inner) => match self.eval(inner, rows, lanes)? {
                Val::Bool(c) => Val::Bool(map(c, |b| !b)),
                _ => return Err(Error::usage("internal: only conditions negate")),
            },
            Code::And(a, b) | Code::Or(a, b) => {
                let and = matches!(code, Code::And(..));
                let (Val::Bool(x), Val::Bool(y)) = (self.eval(a, rows, lanes)?, self.eval(b, rows, lanes)?) else {
                    return Err(Error::usage("internal: && and || need conditions"));
                };
                Val::Bool(if and { zip(x, y, |p, q| p & q) } else { zip(x, y, |p, q| p | q) })
            }
            Code::Arith(op, a, b, ty) => {
                let (x, y) = (self.eval(a, rows, lanes)?, self.eval(b, rows, lanes)?);
                self.arith(*op, x, y, *ty, rows)?
            }
            Code::Cmp(op, a, b, _) => {
                let (x, y) = (self.eval(a, rows, lanes)?, self.eval(b, rows, lanes)?);
                Val::Bool(match (x, y) {
                    (Val::Int(x), Val::Int(y)) => compare(*op, x, y),
                    (Val::Float(x), Val::Float(y)) => compare(*op, x, y),
                    (Val::Bool(x), Val::Bool(y)) => compare(*op, x, y),
                    (Val::Str(x), Val::Str(y)) => compare_str(*op, &x, &y),
                    _ => return Err(Error::usage("internal: comparison of two types")),
                })
            }
            Code::In { value, list, negated, .. } => {
                let v = self.eval(value, rows, lanes)?;
                let hit = |k: &Konst| {
                    let c = match k {
                        Konst::Int(x) => Val::Int(Col::One(*x)),
                        Konst::Float(x) => Val::Float(Col::One(*x)),
                        Konst::Bool(x) => Val::Bool(Col::One(*x)),
                        Konst::Str(x) => Val::Str(StrVal::One(x.clone())),
                    };
                    match (v.clone(), c) {
                        (Val::Int(x), Val::Int(y)) => Some(compare(Cmp::Eq, x, y)),
                        (Val::Float(x), Val::Float(y)) => Some(compare(Cmp::Eq, x, y)),
                        (Val::Bool(x), Val::Bool(y)) => Some(compare(Cmp::Eq, x, y)),
                        (Val::Str(x), Val::Str(y)) => Some(compare_str(Cmp::Eq, &x, &y)),
                        _ => None,
                    }
                };
                let mut acc = Col::One(false);
                for k in list {
                    let h = hit(k).ok_or_else(|| Error::usage("internal: a list of another type"))?;
                    acc = zip(acc, h, |p, q| p | q);
                }
                Val::Bool(if *negated { map(acc, |b| !b) } else { acc })
            }
        })
    }

    fn arith<'a>(&self, op: Arith, x: Val<'_>, y: Val<'_>, ty: Ty, rows: &Range<u64>) -> Result<Val<'a>> {
        match (x, y, ty) {
            (Val::Int(x), Val::Int(y), _) => {
                let r = match op {
                    Arith::Add => try_zip(x, y, i128::checked_add),
                    Arith::Sub => try_zip(x, y, i128::checked_sub),
                    Arith::Mul => try_zip(x, y, i128::checked_mul),
                    // Python's modulo: the result takes the divisor's sign.
                    Arith::Mod => try_zip(x, y, |a, b| a.checked_rem_euclid(b).map(|r| py_mod_int(r, b))),
                    Arith::Div => return Err(Error::usage("internal: integer division is compiled as float")),
                };
                r.map(Val::Int).map_err(|i| {
                    let what = if op == Arith::Mod { "a division by zero" } else { "an integer overflow" };
                    Error::data(format!("--where: {what} in '{}' at row {}", self.text, rows.start + i as u64))
                })
            }
            (Val::Float(x), Val::Float(y), Ty::Float(w)) => Ok(Val::Float(float_arith(op, x, y, w))),
            _ => Err(Error::usage("internal: arithmetic on two types")),
        }
    }
}

/// `a % b` with Python's sign rule, from the Euclidean remainder `r`.
fn py_mod_int(r: i128, b: i128) -> i128 {
    if b < 0 && r != 0 { r + b } else { r }
}

fn float_arith<'a>(op: Arith, x: Col<'_, f64>, y: Col<'_, f64>, w: Width) -> Col<'a, f64> {
    // Computing in f64 and rounding once to f32/f16 is exact for + - * /:
    // f64 has more than twice their precision plus two bits.
    match op {
        Arith::Add => zip(x, y, |a, b| w.round(a + b)),
        Arith::Sub => zip(x, y, |a, b| w.round(a - b)),
        Arith::Mul => zip(x, y, |a, b| w.round(a * b)),
        Arith::Div => zip(x, y, |a, b| w.round(a / b)),
        Arith::Mod => zip(x, y, |a, b| w.round(py_mod_float(a, b))),
    }
}

/// Python's float `%` (numpy's `remainder`): the sign of the divisor.
fn py_mod_float(a: f64, b: f64) -> f64 {
    let r = a % b;
    if r != 0.0 && (r < 0.0) != (b < 0.0) {
        r + b
    } else if r == 0.0 {
        0.0f64.copysign(b)
    } else {
        r
    }
}

fn compare_str<'a>(op: Cmp, a: &StrVal<'_>, b: &StrVal<'_>) -> Col<'a, bool> {
    let test = |x: &[u8], y: &[u8]| match op {
        Cmp::Eq => x == y,
        Cmp::Ne => x != y,
        Cmp::Lt => x < y,
        Cmp::Le => x <= y,
        Cmp::Gt => x > y,
        Cmp::Ge => x >= y,
    };
    match (a, b) {
        (StrVal::One(x), StrVal::One(y)) => Col::One(test(x, y)),
        (StrVal::Many(x), StrVal::One(y)) => Col::Many((0..x.len()).map(|i| test(x.get(i), y)).collect()),
        (StrVal::One(x), StrVal::Many(y)) => Col::Many((0..y.len()).map(|i| test(x, y.get(i))).collect()),
        (StrVal::Many(x), StrVal::Many(y)) => Col::Many((0..x.len()).map(|i| test(x.get(i), y.get(i))).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_modulo() {
        assert_eq!(py_mod_int((-7i128).rem_euclid(3), 3), 2);
        assert_eq!(py_mod_int(7i128.rem_euclid(-3), -3), -2);
        assert_eq!(py_mod_int((-7i128).rem_euclid(-3), -3), -1);
        assert_eq!(py_mod_float(-7.0, 3.0), 2.0);
        assert_eq!(py_mod_float(7.0, -3.0), -2.0);
        assert!(py_mod_float(-6.0, 3.0).is_sign_positive());
        assert!(py_mod_float(6.0, -3.0).is_sign_negative());
        assert!(py_mod_float(1.0, 0.0).is_nan());
    }
}
