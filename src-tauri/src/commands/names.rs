// The app's own IPC commands, listed once. From this list come the handler the shell
// registers (`lib.rs`), the `allow-*` permissions of the ACL (build.rs includes this file),
// the `Commands` map of the page's IPC module (`ui/src/lib/bindings.ts`, with each
// command's arguments and answer read from its signature), and what the security test
// holds the main window's capability to. A command missing here is neither registered
// nor callable from the webview.

/// Calls `$then!` with the path of every `#[tauri::command]`, as `module::name` under
/// `crate::commands`.
macro_rules! with_app_commands {
    ($then:ident) => {
        $then! {
            app::app_info,
            library::app_quit,
            library::budget_status,
            app::connection_set,
            library::credits_summary,
            app::diagnostics_export,
            compose::draft_check,
            compose::frame_reference,
            app::draft_load,
            app::draft_save,
            library::job_act,
            library::job_delete,
            library::job_detail,
            library::job_evidence,
            library::job_download,
            library::job_favourite,
            library::job_judge,
            compose::job_submit,
            library::job_tag,
            library::job_untag,
            compose::jobs_recent,
            key::key_clear,
            key::key_save,
            key::key_status,
            key::key_test,
            library::library_export,
            library::library_import,
            library::library_page,
            library::open_url,
            app::page_notice,
            cut::project_assemble,
            cut::project_assemble_cancel,
            projects::project_budget,
            cut::project_cut,
            projects::project_estimate,
            cut::project_export_edit,
            projects::project_get,
            projects::project_new,
            projects::project_import,
            projects::project_render,
            projects::project_select,
            projects::project_stop,
            cut::project_transition,
            cut::project_trim,
            projects::projects_list,
            projects::shot_add,
            projects::shot_check,
            projects::shot_delete,
            projects::shot_duplicate,
            projects::shot_move,
            projects::shot_update,
            projects::take_judge,
            compose::reference_file,
            compose::reference_local,
            compose::reference_probe,
            compose::render_reference,
            library::reveal_render,
            settings::settings_get,
            settings::settings_save,
            settings::storage_check,
            settings::storage_secret_save,
            library::tags_list,
        }
    };
}

/// The names of the commands `with_app_commands!` lists.
macro_rules! command_names {
    ($($module:ident :: $name:ident),* $(,)?) => {
        /// Every `#[tauri::command]` the shell registers, by name.
        pub const APP_COMMANDS: &[&str] = &[$(stringify!($name)),*];
    };
}

with_app_commands!(command_names);

/// Where each command of `with_app_commands!` is defined, as `(module, name)`: the
/// bindings read its signature there.
#[cfg(test)]
macro_rules! command_paths {
    ($($module:ident :: $name:ident),* $(,)?) => {
        pub const APP_COMMAND_PATHS: &[(&str, &str)] = &[$((stringify!($module), stringify!($name))),*];
    };
}

#[cfg(test)]
with_app_commands!(command_paths);
