/** The pages that need the editor, the charts and the analysis core: one lazily loaded chunk. */

export { Agreement } from "./Agreement.tsx";
export { Briefing } from "./Briefing.tsx";
export { Workspace } from "./Workspace.tsx";
