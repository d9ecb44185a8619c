"""Fortran direct access: records written by a gfortran program, read back by the same program (printed as text)."""

import shutil
import subprocess

import numpy as np

SOURCE = """
program direct
  implicit none
  integer :: n, i, ios
  integer(4) :: id
  real(8) :: t
  real(4) :: xyz(3)
  character(len=256) :: path, mode
  call get_command_argument(1, mode)
  call get_command_argument(2, path)
  open(10, file=trim(path), access='direct', form='unformatted', recl=24)
  if (trim(mode) == 'write') then
    call get_command_argument(3, mode)
    read(mode, *) n
    do i = n, 1, -1   ! out of order, as direct access allows
      id = 1000 + i
      t = 0.1d0 * i + 1d-12 * i * i
      xyz = [real(i) / 3.0, -real(i) * 1.5e3, 1.0 / real(i + 7)]
      write(10, rec=i) id, t, xyz
    end do
  else
    i = 1
    do
      read(10, rec=i, iostat=ios) id, t, xyz
      if (ios /= 0) exit
      print '(I0, 1X, ES26.17E3, 3(1X, ES17.9E3))', id, t, xyz
      i = i + 1
    end do
  end if
  close(10)
end program
"""


def program(tmp):
    exe = tmp / "direct"
    if not exe.exists():
        src = tmp / "direct.f90"
        src.write_text(SOURCE)
        fc = shutil.which("gfortran")
        assert fc, "gfortran is needed (apt-get install gfortran)"
        subprocess.run([fc, "-O0", "-o", str(exe), str(src)], check=True)
    return exe


def make(tmp):
    files = []
    for n in (1, 5, 200):
        f = tmp / f"stations{n}.dat"
        subprocess.run([program(tmp), "write", f, str(n)], check=True)
        files.append(f)
    return files


def check(path, doc, cmp):
    out = subprocess.run([program(path.parent), "read", path], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()]
    cmp.eq("records (count)", len(doc["records"]), len(rows))
    for i, (r, row) in enumerate(zip(doc["records"], rows)):
        cmp.eq(f"records[{i}].id", r["id"], int(row[0]))
        cmp.eq(f"records[{i}].t", r["t"], float(row[1]))
        # real(4) printed with 9 digits: the same float32 once rounded to it.
        cmp.seq(f"records[{i}].xyz", np.array(r["xyz"], "<f4").tolist(), np.array([float(v) for v in row[2:]], "<f4").tolist())
