/** Where the built site serves docs/methods.md (shared by the build plugin and the app's links). */
export const METHODS_PAGE = 'methods.html';
