// The app cache root ($NETLOOM_CACHE, else XDG's ~/.cache/netloom), for the desktop shell's launcher:
// electron/ may import engine/host but not engine/data, where the one definition lives.
export { cacheRoot } from '../data/builtin';
