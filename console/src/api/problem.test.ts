import { ApiError, fieldError } from "./problem";

describe("a problem from the gateway", () => {
  const error = new ApiError(400, {
    title: "The request is not valid.",
    errors: { name: ["name is required."], "contacts[0].tocontactid": ["tocontactid is an E.164 number."] },
  });

  it("gives each form field its own message, whatever the case of the field's name", () => {
    expect(fieldError(error, "Name")).toBe("name is required.");
    expect(fieldError(error, "channelId")).toBeUndefined();
  });

  it("lists the messages of fields that no input shows, with the field they name", () => {
    expect(error.otherErrors(["name"])).toEqual(["contacts[0].tocontactid: tocontactid is an E.164 number."]);
  });
});
