// One import per domain: each file declares its routes with route() from ../registry.
import "./admin";
import "./tokens";
import "./agents";
import "./auth";
import "./projects";
import "./vibecode";
import "./test-runs";
import "./workflows";
import "./system";
import "./github";
import "./reviews";
import "./ship";
import "./accounts";
import "./traces";
import "./notifications";
