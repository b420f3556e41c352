import { errorResponse } from "@/lib/api/handler";
import { AppError } from "@/lib/errors";

const unknownRoute = async (req: Request) =>
  errorResponse(new AppError("NOT_FOUND", 404, `No API route ${req.method} ${new URL(req.url).pathname}`));

export { unknownRoute as GET, unknownRoute as POST, unknownRoute as PUT, unknownRoute as PATCH, unknownRoute as DELETE };
