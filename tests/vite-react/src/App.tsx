// What a new user writes in a fresh Vite + React + TypeScript app: the valuator made in an effect
// (the browser only; StrictMode's second mount in development gets its own), disposed on unmount,
// no Vite config, no copied assets, no model URL. The ids are the ones tests/vite/e2e.mjs drives.
import { useEffect, useState, type ChangeEvent } from 'react'
import { createValuator, ValuationError, type Report, type Valuator } from '@dataunion/valuation'

const domain = new URLSearchParams(location.search).get('domain') ?? undefined

function describe(e: unknown): string {
  return e instanceof ValuationError ? `error: ${e.code}: ${e.message}` : `error: ${String(e)}`
}

export default function App() {
  const [valuator, setValuator] = useState<Valuator | null>(null)
  const [status, setStatus] = useState('loading model')
  const [report, setReport] = useState<Report | null>(null)

  useEffect(() => {
    const v = createValuator()
    setValuator(v)
    v.ready().then(
      (info) => setStatus(`ready (${info.precision}, ${info.wasm})`),
      (e: unknown) => setStatus(describe(e)),
    )
    return () => v.dispose()
  }, [])

  async function onFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0]
    if (!file || !valuator) return
    setStatus('valuating')
    try {
      const r = await valuator.valuate(file, {
        domain,
        onProgress: (p) => setStatus(`valuating: ${p.phase} ${Math.round(p.fraction * 100)}%`),
      })
      setReport(r)
      setStatus(`done: ${r.score}`)
    } catch (e) {
      setStatus(describe(e))
    }
  }

  return (
    <main>
      <label>
        File to value <input type="file" id="file" onChange={onFile} disabled={!valuator} />
      </label>
      <p id="status" role="status">{status}</p>
      <pre id="report">{report ? JSON.stringify(report) : ''}</pre>
    </main>
  )
}
