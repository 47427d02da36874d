// Svelte compiler options for the app's UI (runes mode everywhere).
export default {
  compilerOptions: { runes: true },
};
