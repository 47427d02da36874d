//! The `director` prompt: the vendor's prompt guide, put to work on the person's idea, so
//! the agent writes a directed prompt and maps each reference to the right field before it
//! estimates and generates.

use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{GetPromptResult, PromptMessage, Role};
use rmcp::{ErrorData, prompt, prompt_router};

use super::Server;
use super::args::DirectorArgs;

/// The prompt guide as the agent is told it.
const GUIDE: &str = "\
Turn the idea below into a Seedance 2 request. Seedance prompts work best as concrete \
director instructions, in this order: the subject; the action; the scene; the camera motion \
(dolly-in, slow pan, handheld, locked-off…); the visual style (light, colour, lens, film \
stock); then the constraints: stable faces, natural motion, no deformation, no watermark, \
no logo, no subtitles unless wanted. For a complex scene write ordered shots (Shot 1, Shot 2…) \
followed by one style and constraint package.

Map every reference to its field and describe its role in words inside the prompt: \
image_url is the opening frame, end_image_url the closing frame, media_urls (up to 12) the \
character, motion, style, source-video or extension references. Never put raw asset ids, \
asset:// URLs or in-app labels such as @image1 in the prompt. To edit a clip say \"strictly \
edit the supplied source video\"; to extend one, \"continue from the supplied previous clip\".

Choose the fields: mode (text-to-video without references, image-to-video with a start \
frame, media-to-video with media references), duration as a string of seconds (\"4\" to \
\"15\"), aspect_ratio, resolution and quality_tier (mini for drafts, standard, pro for the \
final look; 1080p-plus and 4k need pro). Answer with the prompt and the generate arguments \
as JSON, then call estimate with them before generate, and say the cost to the person.";

#[prompt_router(vis = "pub(super)")]
impl Server {
    /// Turns an idea into a directed Seedance prompt and the generate arguments, following
    /// the vendor's prompt guide.
    #[prompt(name = "director")]
    async fn director(
        &self,
        Parameters(args): Parameters<DirectorArgs>,
    ) -> Result<GetPromptResult, ErrorData> {
        let mut text = format!("{GUIDE}\n\nThe idea: {}", args.idea.trim());
        if let Some(references) = args.references.filter(|r| !r.trim().is_empty()) {
            text.push_str(&format!(
                "\n\nThe references to start from: {}",
                references.trim()
            ));
        }
        Ok(
            GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)])
                .with_description("A directed Seedance prompt from an idea"),
        )
    }
}
