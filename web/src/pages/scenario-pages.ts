/** The pages that need the editor, the charts and the analysis core: one lazily loaded chunk. */

export { Adopt } from "./Adopt.tsx";
export { Agreement } from "./Agreement.tsx";
export { Briefing } from "./Briefing.tsx";
export { Workspace } from "./Workspace.tsx";
