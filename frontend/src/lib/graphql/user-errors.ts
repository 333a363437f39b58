/** The shape every mutation payload's `errors` list has (see UserError in the schema). */
export interface UserErrorLike {
  code?: string;
  field?: string | null;
  message: string;
}

export interface SplitErrors {
  /** Keyed by form field name, ready for `form.setErrors`. */
  fields: Record<string, string>;
  /** Errors not about one field (or about a field the form doesn't show). */
  general: string[];
}

/**
 * Splits a payload's errors into per-field messages and general ones. `field` is an input path
 * (`name`, `input.name`, `input.members.0.email`); the last named segment is matched against the
 * form's fields, optionally through `aliases` (server name → form field name).
 */
export function splitUserErrors(
  errors: readonly UserErrorLike[] | null | undefined,
  formFields: readonly string[],
  aliases: Record<string, string> = {},
): SplitErrors {
  const out: SplitErrors = { fields: {}, general: [] };
  for (const err of errors ?? []) {
    const segments = (err.field ?? '').split('.').filter((s) => s !== '' && !/^\d+$/.test(s));
    const last = segments.length ? segments[segments.length - 1] : '';
    const name = aliases[last] ?? last;
    if (name && formFields.includes(name) && !out.fields[name]) {
      out.fields[name] = err.message;
    } else {
      out.general.push(err.message);
    }
  }
  return out;
}
