import { TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useState } from 'react';

/**
 * A filter bar's search box: typing is shown at once, the term reaches `onChange` after a pause,
 * and `problem` (why the server would refuse the term) shows below the box. A `value` changed
 * from outside (a "Clear filters" button) replaces what is typed.
 */
export function SearchFilter({
  label,
  value,
  onChange,
  problem,
  width = 200,
  delay = 300,
}: {
  label: string;
  value: string;
  onChange: (term: string) => void;
  problem?: (term: string) => string | null;
  width?: number | string;
  delay?: number;
}) {
  const [text, setText] = useState(value);
  // The last term sent and the last value seen: a value that is neither came from outside.
  const [sent, setSent] = useState(value);
  const [seen, setSeen] = useState(value);
  if (value !== seen) {
    setSeen(value);
    if (value !== sent) {
      setSent(value);
      setText(value);
    }
  }
  const push = useDebouncedCallback((term: string) => {
    setSent(term);
    onChange(term);
  }, delay);
  const error = problem?.(text.trim()) ?? null;
  return (
    <TextInput
      aria-label={label}
      placeholder={label}
      leftSection={<IconSearch size={16} aria-hidden />}
      value={text}
      onChange={(e) => {
        setText(e.currentTarget.value);
        push(e.currentTarget.value);
      }}
      w={width}
      error={error ?? undefined}
    />
  );
}
