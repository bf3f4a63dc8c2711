#include "exo/error.h"

namespace exo {

const std::string& SrcInfo::filename() const {
  static const std::string unknown = "<unknown>";
  return file ? *file : unknown;
}

std::string SrcInfo::str() const {
  if (!known()) return filename();
  return filename() + ":" + std::to_string(line) + ":" + std::to_string(col);
}

const char* error_kind_name(ErrorKind k) {
  switch (k) {
    case ErrorKind::Parse: return "parse error";
    case ErrorKind::Type: return "type error";
    case ErrorKind::Bounds: return "bounds error";
    case ErrorKind::Precondition: return "precondition error";
    case ErrorKind::Scheduling: return "scheduling error";
    case ErrorKind::MemGen: return "memory error";
    case ErrorKind::Api: return "error";
    case ErrorKind::Internal: return "internal error";
    case ErrorKind::InvalidCursor: return "invalid cursor";
    case ErrorKind::ParseFragment: return "fragment error";
  }
  return "error";
}

static std::string format_error(ErrorKind kind, const SrcInfo& where, const std::string& msg) {
  std::string out;
  if (where.known() || where.file) out += where.str() + ": ";
  out += error_kind_name(kind);
  out += ": ";
  out += msg;
  return out;
}

Error::Error(ErrorKind kind, SrcInfo where, std::string message)
    : std::runtime_error(format_error(kind, where, message)),
      kind_(kind),
      where_(std::move(where)),
      message_(std::move(message)) {}

void ErrorBuilder::raise() const { throw build(); }

}  // namespace exo
