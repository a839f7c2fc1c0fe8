// Anything that matches no route (dashboard.md §1 route table): "Not found..." and a way back to the start.
import { Heading } from '../components/fields.tsx';
import { Link } from '../components/link.tsx';
import { useApp } from '../context.ts';

export function NotFoundScreen() {
  const { s } = useApp();
  return (
    <>
      <Heading>{s.notFound.heading}</Heading>
      <p>{s.notFound.description}</p>
      <Link to="/" class="dark-blue">
        {s.notFound.home}
      </Link>
    </>
  );
}
