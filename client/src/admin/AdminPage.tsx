export default function AdminPage() {
  return <div>admin</div>;
}
