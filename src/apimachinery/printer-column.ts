// One entry of a CRD version's additionalPrinterColumns (apiextensions.k8s.io/v1 CustomResourceColumnDefinition):
// the CRD generator writes it, the API server's Table output reads it.

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description: string;
  priority?: number;
  format?: string;
}
