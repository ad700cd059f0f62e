/** Hooks shared by the pages. (Charts measure their own box: see components/Chart.tsx.) */
export { useRoute } from "./url-state.ts";
