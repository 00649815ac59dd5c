//! The API table in `api/`: loading and the C prototype model.

use std::fmt::Write as _;
use std::path::Path;

/// Where a function lives (the table's `origin`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Origin {
    /// Exported by liburing.so.
    So,
    /// Exported only by liburing-ffi.so (inline in liburing.h).
    Ffi,
    /// Inline in liburing.h, exported by neither of liburing's libraries.
    Inline,
    /// A `_LOCAL_INLINE` static helper: never exported.
    Local,
    /// Global in liburing.a only (liburing's tests call it).
    Internal,
}

impl Origin {
    fn parse(s: &str) -> Result<Self, String> {
        Ok(match s {
            "so" => Origin::So,
            "ffi" => Origin::Ffi,
            "inline" => Origin::Inline,
            "local" => Origin::Local,
            "internal" => Origin::Internal,
            other => return Err(format!("unknown origin {other:?}")),
        })
    }

    /// The word `tests/data/exports.txt` uses.
    pub fn word(self) -> &'static str {
        match self {
            Origin::So => "so",
            Origin::Ffi => "ffi",
            Origin::Inline => "inline",
            Origin::Local => "local",
            Origin::Internal => "internal",
        }
    }

    /// Exported from our liburing.so's dynamic symbol table.
    pub fn exported(self) -> bool {
        matches!(self, Origin::So | Origin::Ffi | Origin::Inline)
    }
}

/// A C type as the prototypes spell it: a base (`int`, `struct io_uring`, ...), whether
/// the pointee is `const`, and the number of `*`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CType {
    pub base: String,
    pub is_const: bool,
    pub stars: usize,
}

impl CType {
    fn parse(text: &str) -> Result<Self, String> {
        let stars = text.matches('*').count();
        let mut words: Vec<&str> = text
            .split(|c: char| c.is_whitespace() || c == '*')
            .filter(|w| !w.is_empty())
            .collect();
        let is_const = words.first() == Some(&"const");
        if is_const {
            words.remove(0);
        }
        if words.is_empty() || words.contains(&"const") {
            return Err(format!("unsupported C type {text:?}"));
        }
        let base = words.join(" ");
        let base = if base == "unsigned" {
            "unsigned int".to_string()
        } else {
            base
        };
        Ok(CType { base, is_const, stars })
    }

    pub fn is_void(&self) -> bool {
        self.base == "void" && self.stars == 0
    }

    /// The struct name if the base is `struct NAME`.
    pub fn struct_name(&self) -> Option<&str> {
        self.base.strip_prefix("struct ")
    }

    /// The type in Rust, with `base` mapping the base type.
    pub fn rust(&self, base: impl Fn(&CType) -> String) -> String {
        let mut out = String::new();
        for i in 0..self.stars {
            // `const` qualifies the innermost pointee only.
            out.push_str(if i + 1 == self.stars && self.is_const {
                "*const "
            } else {
                "*mut "
            });
        }
        out.push_str(&base(self));
        out
    }
}

#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    pub ty: CType,
    /// The type as the prototype spells it (`unsigned`, not `unsigned int`).
    pub written: String,
}

impl Param {
    /// The parameter name as a Rust identifier.
    pub fn rust_name(&self) -> String {
        match self.name.as_str() {
            "type" | "ref" | "move" | "fn" | "in" | "loop" | "mod" => format!("r#{}", self.name),
            n => n.to_string(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Function {
    pub name: String,
    pub group: String,
    pub prototype: String,
    pub node: Option<String>,
    pub origin: Origin,
    pub header_extern: bool,
    pub since: String,
    pub gnu_only: bool,
    pub rust: Option<String>,
    pub doc: String,
    pub ret: CType,
    pub params: Vec<Param>,
}

impl Function {
    /// In our include/liburing.h (and so in the shim in src/ffi/).
    pub fn in_header(&self) -> bool {
        self.origin != Origin::Local
    }
}

/// Parse `RET NAME(PARAMS)`.
fn parse_prototype(proto: &str, name: &str) -> Result<(CType, Vec<Param>), String> {
    let open = proto.find('(').ok_or("no '('")?;
    let head = &proto[..open];
    let head = head
        .strip_suffix(name)
        .ok_or_else(|| format!("prototype does not name {name}"))?;
    let ret = CType::parse(head)?;
    let inner = proto[open + 1..].strip_suffix(')').ok_or("no final ')'")?.trim();
    let mut params = Vec::new();
    if inner != "void" {
        for p in inner.split(',') {
            let p = p.trim();
            let split = p
                .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
                .ok_or_else(|| format!("parameter {p:?} has no name"))?;
            let (ty, pname) = (&p[..=split], &p[split + 1..]);
            if pname.is_empty() {
                return Err(format!("parameter {p:?} has no name"));
            }
            params.push(Param {
                name: pname.to_string(),
                ty: CType::parse(ty)?,
                written: ty.split_whitespace().collect::<Vec<_>>().join(" "),
            });
        }
    }
    Ok((ret, params))
}

pub struct Constant {
    pub name: String,
    pub value: String,
    pub dec: String,
    pub rust: String,
}

pub struct ConstGroup {
    pub heading: String,
    pub constants: Vec<Constant>,
}

pub struct Member {
    pub offset: i64,
    pub size: i64,
    pub member: String,
    pub ty: String,
}

pub struct Struct {
    pub name: String,
    pub size: i64,
    pub align: i64,
    pub members: Vec<Member>,
}

pub struct Table {
    pub functions: Vec<Function>,
    /// The extensions' exported functions (api/ext_symbols.txt): our own `uring_*` API of
    /// include/uring/ext.h, under version node [`EXT_NODE`], never in liburing.h.
    pub ext_symbols: Vec<String>,
    pub groups: Vec<ConstGroup>,
    pub header_values: Vec<(String, String)>,
    pub structs: Vec<Struct>,
}

fn load_toml(path: &Path) -> Result<toml::Table, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    text.parse::<toml::Table>()
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn str_field(t: &toml::Table, key: &str, what: &str) -> Result<String, String> {
    match t.get(key) {
        Some(toml::Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(format!("{what}: `{key}` is not a string")),
        None => Err(format!("{what}: `{key}` is missing")),
    }
}

fn opt_str(t: &toml::Table, key: &str) -> Option<String> {
    t.get(key).and_then(|v| v.as_str()).map(str::to_string)
}

fn int_field(t: &toml::Table, key: &str, what: &str) -> Result<i64, String> {
    t.get(key)
        .and_then(|v| v.as_integer())
        .ok_or_else(|| format!("{what}: `{key}` is not an integer"))
}

fn array<'a>(t: &'a toml::Table, key: &str, what: &str) -> Result<Vec<&'a toml::Table>, String> {
    let a = t
        .get(key)
        .and_then(|v| v.as_array())
        .ok_or_else(|| format!("{what}: no array `{key}`"))?;
    a.iter()
        .map(|v| v.as_table().ok_or_else(|| format!("{what}: `{key}` holds a non-table")))
        .collect()
}

const FIELDS: &[&str] = &[
    "name",
    "group",
    "prototype",
    "node",
    "origin",
    "header",
    "since",
    "gnu_only",
    "rust",
    "doc",
];

/// The version node of the extensions.
pub const EXT_NODE: &str = "URING_EXT_1";

impl Table {
    pub fn load(root: &Path) -> Result<Table, String> {
        let api = root.join("api");
        let f = load_toml(&api.join("functions.toml"))?;
        let mut functions = Vec::new();
        for t in array(&f, "function", "api/functions.toml")? {
            let name = str_field(t, "name", "a [[function]]")?;
            let what = format!("api/functions.toml: {name}");
            if let Some(k) = t.keys().find(|k| !FIELDS.contains(&k.as_str())) {
                return Err(format!("{what}: unknown field `{k}`"));
            }
            let prototype = str_field(t, "prototype", &what)?;
            let (ret, params) = parse_prototype(&prototype, &name).map_err(|e| format!("{what}: {e}"))?;
            let origin = Origin::parse(&str_field(t, "origin", &what)?).map_err(|e| format!("{what}: {e}"))?;
            let node = opt_str(t, "node");
            if origin.exported() != node.is_some() {
                return Err(format!("{what}: exported functions (and only they) have a `node`"));
            }
            let header = str_field(t, "header", &what)?;
            if header != "extern" && header != "inline" {
                return Err(format!("{what}: header is `extern` or `inline`"));
            }
            let gnu_only = match t.get("gnu_only") {
                None => false,
                Some(v) => v
                    .as_bool()
                    .ok_or_else(|| format!("{what}: gnu_only is not a boolean"))?,
            };
            functions.push(Function {
                group: str_field(t, "group", &what)?,
                node,
                origin,
                header_extern: header == "extern",
                since: str_field(t, "since", &what)?,
                gnu_only,
                rust: opt_str(t, "rust"),
                doc: opt_str(t, "doc").unwrap_or_default().trim().to_string(),
                prototype,
                ret,
                params,
                name,
            });
        }
        let mut seen = std::collections::BTreeSet::new();
        for f in &functions {
            if !seen.insert(&f.name) {
                return Err(format!("api/functions.toml: {} appears twice", f.name));
            }
        }

        let c = load_toml(&api.join("constants.toml"))?;
        let mut header_values = Vec::new();
        for t in array(&c, "header_values", "api/constants.toml")? {
            header_values.push((
                str_field(t, "name", "a header value")?,
                str_field(t, "value", "a header value")?,
            ));
        }
        let mut groups = Vec::new();
        for g in array(&c, "group", "api/constants.toml")? {
            let heading = str_field(g, "heading", "a [[group]]")?;
            let mut constants = Vec::new();
            for t in array(g, "constants", &heading)? {
                let name = str_field(t, "name", &heading)?;
                constants.push(Constant {
                    value: str_field(t, "value", &name)?,
                    dec: str_field(t, "dec", &name)?,
                    rust: str_field(t, "rust", &name)?,
                    name,
                });
            }
            groups.push(ConstGroup { heading, constants });
        }

        let s = load_toml(&api.join("structs.toml"))?;
        let mut structs = Vec::new();
        for t in array(&s, "struct", "api/structs.toml")? {
            let name = str_field(t, "name", "a [[struct]]")?;
            let mut members = Vec::new();
            for m in array(t, "members", &name)? {
                members.push(Member {
                    offset: int_field(m, "offset", &name)?,
                    size: int_field(m, "size", &name)?,
                    member: str_field(m, "member", &name)?,
                    ty: str_field(m, "type", &name)?,
                });
            }
            structs.push(Struct {
                size: int_field(t, "size", &name)?,
                align: int_field(t, "align", &name)?,
                name,
                members,
            });
        }
        let ext_path = api.join("ext_symbols.txt");
        let ext_text = std::fs::read_to_string(&ext_path).map_err(|e| format!("{}: {e}", ext_path.display()))?;
        let ext_symbols = ext_text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect();
        Ok(Table {
            functions,
            ext_symbols,
            groups,
            header_values,
            structs,
        })
    }

    pub fn function(&self, name: &str) -> Option<&Function> {
        self.functions.iter().find(|f| f.name == name)
    }
}

/// The version facts the generator appends to each doc text.
pub fn version_note(f: &Function) -> String {
    let mut s = if f.since == "HEAD" {
        "Added to liburing after 2.15".to_string()
    } else {
        format!("Since liburing {}", f.since)
    };
    if !f.header_extern {
        s.push_str(" (an inline function in liburing's own liburing.h)");
    }
    match (&f.node, f.origin) {
        (Some(node), _) => {
            let _ = write!(s, "; exported as `{}@@{node}`.", f.name);
        }
        (None, Origin::Internal) => {
            s.push_str(
                "; library-internal (liburing's own tests call it): global in liburing.a, not exported by liburing.so.",
            );
        }
        (None, _) => s.push_str("; not exported."),
    }
    if f.gnu_only {
        s.push_str(" Declared only when `_GNU_SOURCE` is defined.");
    }
    s
}
