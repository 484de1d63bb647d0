import type { ReactNode } from "react";
import { useNavigate } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import { ConfirmButton } from "./ConfirmButton";

/**
 * Deletes the item a page shows, after asking: on success the list is read again and the page goes back to it;
 * a refusal (an item in use) stays in the dialog with the gateway's problem.
 */
export function DeleteButton({ noun, name, message, remove, listKey, listPath }: {
  /** What the item is, in the product's words: "channel", "template". */
  noun: string;
  name: string;
  message: ReactNode;
  /** The DELETE call; it throws the API's problem (unwrap). */
  remove(): Promise<unknown>;
  listKey: string;
  listPath: string;
}) {
  const queries = useQueryClient();
  const navigate = useNavigate();
  return (
    <ConfirmButton label={`Delete the ${noun}`} title={`Delete the ${noun} "${name}"?`} message={message}
      confirmLabel="Delete" buttonProps={{ size: "sm" }}
      onConfirm={async () => {
        await remove();
        await queries.invalidateQueries({ queryKey: [listKey] });
        navigate(listPath);
      }} />
  );
}
