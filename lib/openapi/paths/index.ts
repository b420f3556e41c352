// One import per domain: each file declares its routes with route() from ../registry.
import "./github";
import "./reviews";
export {};
