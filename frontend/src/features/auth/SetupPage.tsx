import { useNavigate } from 'react-router';
import { useAuth } from '@/lib/auth/auth-context';
import { AuthLayout } from './components/AuthLayout';
import { SetupForm } from './components/SetupForm';

export default function SetupPage() {
  const auth = useAuth();
  const navigate = useNavigate();
  return (
    <AuthLayout
      title="Create the first administrator"
      subtitle="Welcome to Switchboard. This account manages the whole installation; you can invite others afterwards."
    >
      <SetupForm
        onSubmit={async (input) => {
          await auth.setup(input);
          navigate('/', { replace: true });
        }}
      />
    </AuthLayout>
  );
}
