import { Button, Group, Modal, Stack } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { useCallback, useEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
import { FormErrors } from '@/components/FormErrors';
import type { UserErrorLike } from '@/lib/graphql/user-errors';
import { splitUserErrors } from '@/lib/graphql/user-errors';

/**
 * The first focusable field marked invalid inside `root` (Mantine marks most inputs with
 * aria-invalid, PasswordInput's inner input only with data-invalid).
 */
function firstInvalid(root: HTMLElement | null): HTMLElement | null {
  const marked = root?.querySelectorAll<HTMLElement>('[aria-invalid="true"], [data-invalid="true"]') ?? [];
  return Array.from(marked).find((el) => el.matches('input, textarea, select, button, [tabindex]')) ?? null;
}

/** Moves focus to the first field marked invalid inside `root`. Call after the errors rendered. */
function focusFirstInvalid(root: HTMLElement | null) {
  firstInvalid(root)?.focus();
}

/**
 * Returns a function that asks for focus on the first invalid field of `ref` once the errors set
 * in the same update have rendered (an effect, so it runs after React committed them).
 */
function useFocusFirstInvalid(ref: RefObject<HTMLElement | null>): () => void {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (tick > 0) focusFirstInvalid(ref.current);
  }, [tick, ref]);
  return useCallback(() => setTick((t) => t + 1), []);
}

/**
 * The console's one way to move focus to the first invalid field of a form: `ref` goes on the
 * form, `focusInvalid` is called where errors were set (a Mantine form's validation failure), and
 * `afterSubmit(handler)` wraps a submit handler so that focus moves once it returned and the
 * errors it set (the API's field errors) rendered. FormModal has it built in.
 */
export function useInvalidFocus<E extends HTMLElement = HTMLFormElement>() {
  const ref = useRef<E>(null);
  const focusInvalid = useFocusFirstInvalid(ref);
  const afterSubmit = useCallback(
    <A extends unknown[]>(handler: (...args: A) => unknown) =>
      async (...args: A) => {
        await handler(...args);
        focusInvalid();
      },
    [focusInvalid],
  );
  return { ref, focusInvalid, afterSubmit };
}

/**
 * The console's form dialog: a title, the fields, Cancel and a submit button. Client validation
 * and the API's `UserError{field,message}` land on the form's fields (errors about other things
 * above the fields), and focus moves to the first invalid field. The dialog closes when
 * `onSubmit` answers without errors.
 */
export function FormModal<V extends Record<string, unknown>>({
  opened,
  onClose,
  title,
  form,
  values,
  resetKey,
  onSubmit,
  fields,
  aliases,
  submitLabel,
  submitColor,
  size,
  children,
}: {
  opened: boolean;
  onClose: () => void;
  title: ReactNode;
  form: UseFormReturnType<V>;
  /** The values the form starts from each time the dialog opens (or `resetKey` changes). */
  values: V;
  resetKey?: string | null;
  /** Runs the mutation; answers its user errors (empty or `ok`: done). */
  onSubmit: (values: V) => Promise<{ ok: boolean; errors: readonly UserErrorLike[] }>;
  /** Form field names an API error's `field` may name; defaults to the keys of `values`. */
  fields?: readonly string[];
  /** API field name → form field name. */
  aliases?: Record<string, string>;
  submitLabel: string;
  submitColor?: string;
  size?: string;
  children: ReactNode;
}) {
  const [general, setGeneral] = useState<string[]>([]);
  const { ref, focusInvalid } = useInvalidFocus();

  useEffect(() => {
    if (opened) {
      setGeneral([]);
      form.setValues(values);
      form.resetDirty(values);
      form.clearErrors();
    }
    // Reset only when the dialog opens (or opens for another record); form is stable.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, resetKey]);

  const submit = form.onSubmit(
    async (v) => {
      setGeneral([]);
      const outcome = await onSubmit(v as V);
      if (outcome.ok) {
        onClose();
        return;
      }
      const split = splitUserErrors(outcome.errors, fields ?? Object.keys(values), aliases);
      form.setErrors(split.fields);
      setGeneral(split.general);
      focusInvalid();
    },
    focusInvalid,
  );

  return (
    <Modal opened={opened} onClose={onClose} title={title} centered size={size}>
      <form ref={ref} onSubmit={submit} noValidate>
        <Stack gap="md">
          <FormErrors errors={general} />
          {children}
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color={submitColor} loading={form.submitting}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
