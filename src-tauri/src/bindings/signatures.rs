//! The `Commands` map of `bindings.ts`: for every command in `commands/names.rs`, the
//! arguments the page sends and the answer it gets, read from the command's own Rust
//! signature (parsed with `syn`), so a changed argument or answer fails the page's type
//! check instead of a call at run time.
//!
//! Arguments go by their camelCase names, as Tauri expects them; those Tauri fills in
//! itself (the state, the app handle, the webview) are left out; a raw-bytes command
//! (`Request`) takes the bytes. Types are named as ts-rs declares them, so a type the
//! bindings do not declare is an error in the page's check, not a silent `any`.

use std::collections::HashMap;
use std::path::Path;

use syn::{FnArg, GenericArgument, Item, ItemFn, Pat, PathArguments, ReturnType, Type};

/// What Tauri passes to a command itself: never sent by the page.
const INJECTED: &[&str] = &["State", "AppHandle", "Webview", "WebviewWindow", "Window"];

/// The `Command` type and the `Commands` map, as TypeScript.
pub fn typescript_commands() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/src/commands");
    let mut modules: HashMap<&str, syn::File> = HashMap::new();
    let mut out = String::from(
        "/** Every IPC command the app registers, with the arguments the page sends and what it\n \
         * answers, from the commands' Rust signatures. */\nexport interface Commands {\n",
    );
    for (module, name) in crate::commands::APP_COMMAND_PATHS {
        let file = modules.entry(module).or_insert_with(|| {
            let path = root.join(format!("{module}.rs"));
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        });
        let aliases = aliases_in(file);
        let function = file
            .items
            .iter()
            .find_map(|item| match item {
                Item::Fn(f) if f.sig.ident == name => Some(f),
                _ => None,
            })
            .unwrap_or_else(|| panic!("commands/{module}.rs has no fn {name}"));
        let (args, returns) = signature(function, &aliases);
        out.push_str(&format!(
            "  {name}: {{ args: {args}; returns: {returns} }};\n"
        ));
    }
    out.push_str("}\n\n/** The name of every IPC command the app registers. */\n");
    out.push_str("export type Command = keyof Commands;\n");
    out
}

/// `type X = …;` items of a module, which its commands may use in their signatures.
fn aliases_in(file: &syn::File) -> HashMap<String, Type> {
    file.items
        .iter()
        .filter_map(|item| match item {
            Item::Type(alias) => Some((alias.ident.to_string(), (*alias.ty).clone())),
            _ => None,
        })
        .collect()
}

/// The TypeScript of a command's arguments and its answer.
fn signature(function: &ItemFn, aliases: &HashMap<String, Type>) -> (String, String) {
    let mut fields = Vec::new();
    let mut raw_body = false;
    for input in &function.sig.inputs {
        let FnArg::Typed(arg) = input else {
            panic!("{}: a command takes no self", function.sig.ident);
        };
        let name = match &*arg.pat {
            Pat::Ident(ident) => ident.ident.to_string(),
            _ => panic!("{}: arguments must be plain names", function.sig.ident),
        };
        match last_ident(&arg.ty).as_deref() {
            Some(injected) if INJECTED.contains(&injected) => continue,
            Some("Request") => raw_body = true,
            _ => {
                let optional = last_ident(&arg.ty).as_deref() == Some("Option");
                let ts = ts_type(&arg.ty, aliases);
                let mark = if optional { "?" } else { "" };
                fields.push(format!("{}{mark}: {ts}", camel_case(&name)));
            }
        }
    }
    let args = if raw_body {
        assert!(
            fields.is_empty(),
            "{}: a raw-bytes command takes nothing else",
            function.sig.ident
        );
        "Uint8Array".to_string()
    } else if fields.is_empty() {
        "Record<string, never>".to_string()
    } else {
        format!("{{ {} }}", fields.join("; "))
    };
    let returns = match &function.sig.output {
        ReturnType::Default => "void".to_string(),
        ReturnType::Type(_, ty) => answer_type(ty, aliases),
    };
    (args, returns)
}

/// A command's answer: the `Ok` side of a `Result` (its error is always an `IpcError`).
fn answer_type(ty: &Type, aliases: &HashMap<String, Type>) -> String {
    match generic_args(ty, "Result").as_deref() {
        Some([ok, _]) => answer_type(ok, aliases),
        Some(_) => panic!("Result takes two types"),
        None if matches!(ty, Type::Tuple(t) if t.elems.is_empty()) => "void".to_string(),
        None => ts_type(ty, aliases),
    }
}

/// The TypeScript of a Rust type as serde sends it.
fn ts_type(ty: &Type, aliases: &HashMap<String, Type>) -> String {
    match ty {
        Type::Reference(r) => ts_type(&r.elem, aliases),
        Type::Tuple(t) if t.elems.is_empty() => "null".to_string(),
        Type::Tuple(t) => {
            let items: Vec<String> = t.elems.iter().map(|e| ts_type(e, aliases)).collect();
            format!("[{}]", items.join(", "))
        }
        Type::Path(_) => {
            let ident = last_ident(ty).expect("a path has a last segment");
            if let Some(alias) = aliases.get(&ident) {
                return ts_type(alias, aliases);
            }
            let inner = generic_args(ty, &ident).unwrap_or_default();
            let one = |what: &str| -> String {
                match inner.as_slice() {
                    [t] => ts_type(t, aliases),
                    _ => panic!("{what} takes one type"),
                }
            };
            match ident.as_str() {
                "String" | "str" | "PathBuf" => "string".into(),
                "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize"
                | "f32" | "f64" => "number".into(),
                "bool" => "boolean".into(),
                "Value" => "unknown".into(),
                "Option" => format!("{} | null", one("Option")),
                "Vec" => format!("Array<{}>", one("Vec")),
                // Tauri's channel, imported as `IpcChannel` (the API has a `Channel` of its own).
                "Channel" => format!("IpcChannel<{}>", one("Channel")),
                declared => declared.to_string(),
            }
        }
        _ => panic!("no TypeScript for a type of this kind (use a named type)"),
    }
}

fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        Type::Reference(r) => last_ident(&r.elem),
        _ => None,
    }
}

/// The type arguments of `ty` when its last segment is `name`.
fn generic_args(ty: &Type, name: &str) -> Option<Vec<Type>> {
    let Type::Path(p) = ty else { return None };
    let segment = p.path.segments.last()?;
    if segment.ident != name {
        return None;
    }
    match &segment.arguments {
        PathArguments::AngleBracketed(args) => Some(
            args.args
                .iter()
                .filter_map(|a| match a {
                    GenericArgument::Type(t) => Some(t.clone()),
                    _ => None,
                })
                .collect(),
        ),
        _ => Some(Vec::new()),
    }
}

fn camel_case(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn function(text: &str) -> ItemFn {
        syn::parse_str(text).unwrap()
    }

    #[test]
    fn arguments_are_camel_case_and_tauri_s_own_are_left_out() {
        let f = function(
            "async fn job_act(state: State<'_, AppState>, id: String, confirmed: bool, \
             accept_double_charge: Option<bool>) -> Result<JobSummary, IpcError> {}",
        );
        let (args, returns) = signature(&f, &HashMap::new());
        assert_eq!(
            args,
            "{ id: string; confirmed: boolean; acceptDoubleCharge?: boolean | null }"
        );
        assert_eq!(returns, "JobSummary");
    }

    #[test]
    fn aliases_units_and_containers_are_followed() {
        let file: syn::File =
            syn::parse_str("pub type UploadProgress = Channel<(u64, u64)>;").unwrap();
        let aliases = aliases_in(&file);
        let f = function(
            "async fn upload(app: AppHandle, progress: UploadProgress, ids: Vec<&str>) \
             -> Result<(), IpcError> {}",
        );
        assert_eq!(
            signature(&f, &aliases),
            (
                "{ progress: IpcChannel<[number, number]>; ids: Array<string> }".to_string(),
                "void".to_string()
            )
        );
        let raw = function(
            "async fn upload(webview: Webview, request: Request<'_>) -> Option<String> {}",
        );
        assert_eq!(
            signature(&raw, &aliases),
            ("Uint8Array".to_string(), "string | null".to_string())
        );
        let none = function("fn quit(app: AppHandle) {}");
        assert_eq!(
            signature(&none, &aliases),
            ("Record<string, never>".to_string(), "void".to_string())
        );
    }
}
